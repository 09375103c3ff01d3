"""Jenkinsfiles, declarative and scripted, read by a careful Groovy scanner.

There is no Groovy parser here: a scanner splits the file into names,
strings and punctuation (comments skipped), resolving Groovy escapes in
strings and remembering where each character is written. Then:

- `sh` steps (`sh '...'`, triple-quoted strings, `sh(script: '...')`) go through
  the shell source with positions mapped back; `${VAR}` interpolation is
  left for the shell to read as a variable;
- `args` of a `docker`/`dockerfile` agent and the string handed to
  `docker.image('x').inside(...)`, `.withRun(...)` or `.run(...)` are
  `docker run` flags: a `Workload` with its mounts;
- `DOCKER_HOST = '...'` and `'DOCKER_HOST=...'` (or `CONTAINER_HOST`)
  point a client.

A string that runs past its line where Groovy does not allow it is an
SL000; the scan goes on as if it were closed at its quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sockelint import endpoints
from sockelint.document import Document
from sockelint.model import ClientEndpoint, Facts, Problem, Word, Workload
from sockelint.sources import ci_common, shell
from sockelint.sources.ci_common import Place, Positions
from sockelint.span import Span

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
_ESCAPES.update({"\\": "\\", "'": "'", '"': '"', "$": "$"})
_SCRIPT_STEPS = frozenset({"sh"})
_AGENTS = frozenset({"docker", "dockerfile"})
_RUN_METHODS = frozenset({"inside", "withRun", "run"})
# How far back from `.inside(` the `image('...')` it belongs to is looked for.
_CHAIN_REACH = 12


@dataclass(slots=True)
class _Token:
    kind: str  # name, string, punct
    text: str
    start: int  # index in the document text
    end: int
    places: list[Place] = field(default_factory=list)  # strings: per character
    raw: str = ""


@dataclass(slots=True)
class _Scanner:
    text: str
    positions: Positions
    tokens: list[_Token] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def scan(self) -> list[_Token]:
        index, size = 0, len(self.text)
        while index < size:
            index = self._next(index)
        return self.tokens

    def _next(self, index: int) -> int:
        text = self.text
        char = text[index]
        if char.isspace():
            return index + 1
        if text.startswith("//", index):
            end = text.find("\n", index)
            return len(text) if end < 0 else end
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            return len(text) if end < 0 else end + 2
        if text.startswith(("'''", '"""'), index):
            return self._string(index, text[index : index + 3])
        if char in "'\"":
            return self._string(index, char)
        if char == "/" and self._after_script_step():
            return self._slashy(index)
        if char.isalnum() or char in "_$":
            end = index
            while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
                end += 1
            self.tokens.append(_Token("name", text[index:end], index, end))
            return end
        self.tokens.append(_Token("punct", char, index, index + 1))
        return index + 1

    def _string(self, start: int, quote: str) -> int:
        """A Groovy string: escapes resolved, `${...}` kept as written."""
        text = self.text
        index = start + len(quote)
        chars: list[str] = []
        places: list[Place] = []
        interpolates = quote[0] == '"'
        while index < len(text) and not text.startswith(quote, index):
            char = text[index]
            if char == "\n" and len(quote) == 1:
                self._problem(start, "a quoted string runs past the end of its line")
            if char == "\\" and index + 1 < len(text):
                index = self._escape(index, chars, places)
                continue
            if interpolates and text.startswith("${", index):
                end = _closing_brace(text, index + 1)
                for offset in range(index, end):
                    chars.append(text[offset])
                    places.append(self.positions.place(offset))
                index = end
                continue
            chars.append(char)
            places.append(self.positions.place(index))
            index += 1
        if index >= len(text):
            self._problem(start, "a quoted string is not closed")
        end = min(index + len(quote), len(text))
        places.append(self.positions.place(min(index, len(text))))
        self.tokens.append(
            _Token("string", "".join(chars), start, end, places, text[start:end])
        )
        return end

    def _after_script_step(self) -> bool:
        """A `/` right after `sh` or `sh(` opens a slashy string; anywhere
        else it divides, and is not read."""
        tokens = self.tokens
        if tokens and tokens[-1].kind == "punct" and tokens[-1].text == "(":
            tokens = tokens[:-1]
        return bool(tokens) and tokens[-1].text in _SCRIPT_STEPS

    def _slashy(self, start: int) -> int:
        r"""A slashy string (`/.../`): no escapes but `\/`; it may run on."""
        text = self.text
        index = start + 1
        chars: list[str] = []
        places: list[Place] = []
        while index < len(text) and text[index] != "/":
            if text.startswith("\\/", index):
                index += 1
            chars.append(text[index])
            places.append(self.positions.place(index))
            index += 1
        if index >= len(text):
            self._problem(start, "a slashy string is not closed")
        end = min(index + 1, len(text))
        places.append(self.positions.place(min(index, len(text))))
        self.tokens.append(
            _Token("string", "".join(chars), start, end, places, text[start:end])
        )
        return end

    def _escape(self, index: int, chars: list[str], places: list[Place]) -> int:
        following = self.text[index + 1]
        if following == "\n":
            return index + 2  # a line continuation inside the string
        if following in _ESCAPES:
            chars.append(_ESCAPES[following])
            places.append(self.positions.place(index + 1))
            return index + 2
        chars += ["\\", following]
        places += [self.positions.place(index), self.positions.place(index + 1)]
        return index + 2

    def _problem(self, start: int, reason: str) -> None:
        line, column = self.positions.place(start)
        if not any(p.span.line == line for p in self.problems):
            span = Span(self.positions.path, line, column, line, column + 1)
            self.problems.append(Problem(span, reason))


def _closing_brace(text: str, start: int) -> int:
    """Index after the `}` matching the `{` at `start`."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        elif text[index] == "\n":
            return index
    return len(text)


# --------------------------------------------------------------------------


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    positions = Positions(document)
    scanner = _Scanner(document.text, positions)
    tokens = scanner.scan()
    facts.problems += scanner.problems

    for index, token in enumerate(tokens):
        if token.kind == "name":
            _at_name(tokens, index, positions, facts)
        elif token.kind == "string" and _host_variable(token.text) is not None:
            name = token.text.partition("=")[0]
            _client(token, len(name) + 1, positions, tokens, facts)
    return facts


def _at_name(
    tokens: list[_Token], index: int, positions: Positions, facts: Facts
) -> None:
    name = tokens[index].text
    if _is_member(tokens, index):
        if name in _RUN_METHODS:
            _image_method(tokens, index, positions, facts)
        return
    if name in _SCRIPT_STEPS:
        script = _argument(tokens, index, "script")
        if script is not None:
            _script(script, positions, facts)
    elif name == "args":
        flags = _argument(tokens, index, "args")
        if flags is not None:
            _agent(tokens, index, flags, positions, facts)
    elif name in endpoints.HOST_VARIABLES and _following(tokens, index, "="):
        value = tokens[index + 2] if index + 2 < len(tokens) else None
        if value is not None and value.kind == "string":
            _client(value, 0, positions, tokens, facts, name)


def _is_member(tokens: list[_Token], index: int) -> bool:
    return (
        index > 0
        and tokens[index - 1].text == "."
        and tokens[index - 1].kind == "punct"
    )


def _following(tokens: list[_Token], index: int, text: str) -> bool:
    return index + 1 < len(tokens) and tokens[index + 1].text == text


def _argument(tokens: list[_Token], index: int, named: str) -> _Token | None:
    """The string given to a step: `step 'x'`, `step('x')`, `step(named:
    'x', ...)`, `step named: 'x', other: ...`."""
    after = tokens[index + 1 : index + 4]
    if not after:
        return None
    if after[0].kind == "string":
        return after[0]
    positional = len(after) > 1 and after[1].kind == "string"
    if after[0].text == "(" and positional and (len(after) < 3 or after[2].text != ":"):
        return after[1]
    depth = 0
    for position in range(index + 1, min(len(tokens), index + 40)):
        token = tokens[position]
        if token.kind == "punct" and token.text in "([":
            depth += 1
        elif token.kind == "punct" and token.text in ")]":
            depth -= 1
            if depth < 0 or (depth == 0 and after[0].text == "("):
                return None
        elif token.kind == "punct" and token.text in "{}":
            return None
        elif token.text == named and _following(tokens, position, ":"):
            value = tokens[position + 2] if position + 2 < len(tokens) else None
            return value if value is not None and value.kind == "string" else None
    return None


def _excerpt(token: _Token, positions: Positions) -> ci_common.MappedExcerpt:
    return ci_common.mapped_excerpt(positions.path, token.text, token.places)


def _script(token: _Token, positions: Positions, facts: Facts) -> None:
    from sockelint.sources import shell

    if not token.text.strip():
        return
    commands, _ = shell.parse_excerpt(_excerpt(token, positions))
    facts.commands += commands


def _agent(
    tokens: list[_Token],
    index: int,
    flags: _Token,
    positions: Positions,
    facts: Facts,
) -> None:
    """`args` of a `docker { image '...' }` or `dockerfile { }` agent."""
    image: _Token | None = None
    agent = "docker"
    for position in range(index - 1, max(-1, index - 60), -1):
        token = tokens[position]
        if token.kind != "name":
            continue
        if token.text == "image" and position + 1 < index:
            candidate = tokens[position + 1]
            image = candidate if candidate.kind == "string" else image
        if token.text in _AGENTS:
            agent = token.text
            break
    _workload(flags, image, f"Jenkins {agent} agent", positions, facts)


def _image_method(
    tokens: list[_Token], index: int, positions: Positions, facts: Facts
) -> None:
    """`docker.image('x').inside('-v ...')` and `.withRun`/`.run`: the first
    string argument is docker run flags."""
    if not _following(tokens, index, "("):
        return
    flags = tokens[index + 2] if index + 2 < len(tokens) else None
    if flags is None or flags.kind != "string":
        return
    image: _Token | None = None
    for position in range(index - 1, max(-1, index - _CHAIN_REACH), -1):
        token = tokens[position]
        if token.kind == "name" and token.text in ("image", "build"):
            candidate = tokens[position + 2] if position + 2 < index else None
            if candidate is not None and candidate.kind == "string":
                image = candidate
            break
    if image is None:
        return
    _workload(
        flags, image, f"Jenkins docker.image().{tokens[index].text}", positions, facts
    )


def _workload(
    flags: _Token,
    image: _Token | None,
    origin: str,
    positions: Positions,
    facts: Facts,
) -> None:
    span = Span(positions.path, *_place_span(flags, positions))
    image_word = _word(image, positions) if image is not None else None
    workload = Workload(
        image_word.text if image_word else "agent",
        span,
        origin,
        image=image_word,
        extent=span,
    )
    ci_common.apply_flags(workload, shell.words_of(_excerpt(flags, positions)))
    facts.workloads.append(workload)


def _place_span(token: _Token, positions: Positions) -> tuple[int, int, int, int]:
    line, column = positions.place(token.start)
    end_line, end_column = positions.place(max(token.end - 1, token.start))
    return line, column, end_line, end_column + 1


def _word(token: _Token, positions: Positions) -> Word:
    return Word(
        token.text, Span(positions.path, *_place_span(token, positions)), token.raw
    )


def _host_variable(text: str) -> str | None:
    """`DOCKER_HOST` or `CONTAINER_HOST` when `text` is `NAME=value`."""
    name, equals, _ = text.partition("=")
    return name if equals and name in endpoints.HOST_VARIABLES else None


def _client(
    token: _Token,
    offset: int,
    positions: Positions,
    tokens: list[_Token],
    facts: Facts,
    name: str | None = None,
) -> None:
    host = token.text[offset:]
    name = name or _host_variable(token.text) or "DOCKER_HOST"
    if not host:
        return
    places = token.places[offset:]
    start, end = places[0], places[max(len(host) - 1, 0)]
    span = Span(positions.path, start[0], start[1], end[0], end[1] + 1)
    verified = endpoints.HOST_VARIABLES[name] and _verifies(tokens)
    facts.clients.append(
        ClientEndpoint(Word(host, span, host), verified, "Jenkinsfile environment")
    )


def _verifies(tokens: list[_Token]) -> bool:
    """`DOCKER_TLS_VERIFY` set to something other than off anywhere."""
    for index, token in enumerate(tokens):
        if token.kind == "string" and token.text.startswith("DOCKER_TLS_VERIFY="):
            return endpoints.tls_verify_on(token.text.partition("=")[2])
        if token.text == "DOCKER_TLS_VERIFY" and _following(tokens, index, "="):
            value = tokens[index + 2] if index + 2 < len(tokens) else None
            return value is not None and endpoints.tls_verify_on(value.text)
    return False
