"""nginx configuration: a socket passed on to whoever reaches a listener.

nginx relays a unix socket to the network as socat does when a `server`
that listens on TCP passes its traffic to the socket: `proxy_pass
unix:/var/run/docker.sock` in a `stream` server, `proxy_pass
http://unix:/var/run/docker.sock:/` in an `http` location, or either
through an `upstream` whose `server` is the socket. Each such pass becomes
a `Relay` with the server's listeners; the rule decides which sockets and
listeners matter.

Only a file that passes traffic somewhere (`proxy_pass`, `grpc_pass`) is
read at all: a `.conf` of another program in a `conf.d/` folder costs one
substring search and says nothing, not even that it failed to parse.
A file read alone has no `include`d context: a `server` at the top level
(a `conf.d/` file included inside `http`) is taken as http when its
passes name a scheme (`http://`), as stream otherwise.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from sockelint.document import Document
from sockelint.model import Facts, Problem, Relay, Word
from sockelint.span import Span

_PASSES = ("proxy_pass", "grpc_pass")
# An http server with no `listen` listens on port 80 of every address.
_HTTP_DEFAULT_LISTEN = "*:80"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}
# Blocks within blocks; nginx itself stops far sooner.
_MAX_DEPTH = 64


# --------------------------------------------------------------------------
# Tokens: words (quotes removed), `;`, `{` and `}`, each with its offsets


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # the value: quotes removed, escapes resolved
    start: int  # offset of the first character as written
    end: int  # offset after the last character as written
    kind: str = "word"  # "word", ";", "{" or "}"


class SyntaxProblem(Exception):
    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


def tokens(text: str) -> list[Token]:
    """nginx's lexical rules: whitespace separates, `#` at the start of a
    word comments out the rest of the line, quotes and backslashes escape,
    and `${name}` keeps its braces inside a word."""
    found: list[Token] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in " \t\r\n":
            index += 1
        elif char == "#":
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
        elif char in ";{}":
            found.append(Token(char, index, index + 1, char))
            index += 1
        elif char in "\"'":
            token = _quoted(text, index)
            found.append(token)
            index = token.end
        else:
            token = _bare(text, index)
            found.append(token)
            index = token.end
    return found


def _quoted(text: str, start: int) -> Token:
    quote, index = text[start], start + 1
    value: list[str] = []
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in (quote, "\\"):
                value.append(following)
            else:
                value.append(_ESCAPES.get(following, "\\" + following))
            index += 2
        elif char == quote:
            return Token("".join(value), start, index + 1)
        else:
            value.append(char)
            index += 1
    raise SyntaxProblem("unterminated quoted string", start)


def _bare(text: str, start: int) -> Token:
    index = start
    value: list[str] = []
    while index < len(text):
        char = text[index]
        if char in " \t\r\n;{}":
            if char == "{" and value and value[-1] == "$":
                # `${name}`: the brace belongs to the variable.
                close = text.find("}", index)
                if close < 0:
                    raise SyntaxProblem("unterminated variable `${`", index - 1)
                value.append(text[index : close + 1])
                index = close + 1
                continue
            break
        if char == "\\" and index + 1 < len(text):
            value.append(text[index + 1])
            index += 2
            continue
        value.append(char)
        index += 1
    return Token("".join(value), start, index)


# --------------------------------------------------------------------------
# Directives: a name, its arguments, and a block for `name args { ... }`


@dataclass(slots=True)
class Directive:
    name: Token
    args: list[Token]
    end: int  # offset after its `;` or its block's `}`
    block: list[Directive] | None = None


def directives(text: str) -> list[Directive]:
    """The directives of a whole file, nested as written."""
    top: list[Directive] = []
    stack: list[tuple[list[Directive], Directive | None]] = [(top, None)]
    words: list[Token] = []
    for token in tokens(text):
        if token.kind == "word":
            words.append(token)
            continue
        current, _ = stack[-1]
        if token.kind == "}":
            if words:
                raise SyntaxProblem("unexpected `}`: `;` missing", token.start)
            if len(stack) == 1:
                raise SyntaxProblem("unexpected `}`", token.start)
            _, closed = stack.pop()
            if closed is not None:
                closed.end = token.end
            continue
        if not words:
            raise SyntaxProblem(f"unexpected `{token.kind}`", token.start)
        directive = Directive(words[0], words[1:], token.end)
        current.append(directive)
        words = []
        if token.kind == "{":
            if len(stack) > _MAX_DEPTH:
                raise SyntaxProblem("blocks nested too deeply", token.start)
            directive.block = []
            stack.append((directive.block, directive))
    if words:
        raise SyntaxProblem("unexpected end of file: `;` missing", words[-1].start)
    if len(stack) > 1:
        opened = stack[-1][1]
        offset = opened.name.start if opened is not None else len(text)
        raise SyntaxProblem("unexpected end of file: `}` missing", offset)
    return top


# --------------------------------------------------------------------------
# The source


class _Places:
    """Offsets of the text as 1-based lines and columns."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self._starts = [0]
        self._starts += [i + 1 for i, char in enumerate(text) if char == "\n"]

    def place(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self._starts, offset) - 1
        return row + 1, offset - self._starts[row] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.place(start)
        end_line, end_column = self.place(end)
        return Span(self.path, line, column, end_line, end_column)

    def word(self, token: Token, text: str) -> Word:
        return Word(token.text, self.span(token.start, token.end), text)


def claims(text: str) -> bool:
    """Whether the file is read at all: a `.conf` in a `conf.d/` folder may
    be another program's (Apache, supervisord, fontconfig), whose bytes,
    Latin-1 or not, are none of nginx's business."""
    return any(name in text for name in _PASSES)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    text = document.text
    if not claims(text):
        return facts

    places = _Places(document.path, text)
    try:
        top = directives(text)
    except SyntaxProblem as problem:
        line, column = places.place(problem.offset)
        point = Span.point(document.path, line, column)
        facts.problems.append(Problem(point, problem.reason))
        return facts

    reader = _Reader(places, text, _upstreams(top, places, text))
    for context, server, parents in _servers(top, None, []):
        facts.relays += reader.relays(context, server, parents)
    return facts


def _servers(
    block: list[Directive], context: str | None, parents: list[Directive]
) -> Iterator[tuple[str | None, Directive, list[Directive]]]:
    """Every `server` block with its context (`http`, `stream`, or None at
    the top level) and the blocks around it; `upstream` servers are not
    servers that listen."""
    for directive in block:
        name = directive.name.text
        if directive.block is None or name in ("upstream", "map", "geo"):
            continue
        if name == "server":
            yield context, directive, parents
            continue
        inner = name if name in ("http", "stream") else context
        yield from _servers(directive.block, inner, [*parents, directive])


def _upstreams(
    top: list[Directive], places: _Places, text: str
) -> dict[str, list[Word]]:
    """`upstream NAME { server unix:/path; }`: the unix sockets of each
    upstream, as written."""
    found: dict[str, list[Word]] = {}
    for directive in _all(top):
        if directive.name.text != "upstream" or not directive.args:
            continue
        sockets: list[Word] = []
        for entry in directive.block or []:
            if entry.name.text == "server" and entry.args:
                address = entry.args[0]
                if address.text.startswith("unix:"):
                    word = places.word(address, text[address.start : address.end])
                    sockets.append(Word(address.text[5:], word.span, word.raw))
        found.setdefault(directive.args[0].text, []).extend(sockets)
    return found


def _all(block: list[Directive]) -> Iterator[Directive]:
    for directive in block:
        yield directive
        if directive.block:
            yield from _all(directive.block)


@dataclass(slots=True)
class _Reader:
    places: _Places
    text: str
    upstreams: dict[str, list[Word]] = field(default_factory=dict)

    def relays(
        self, context: str | None, server: Directive, parents: list[Directive]
    ) -> list[Relay]:
        passes = [d for d in _all(server.block or []) if d.name.text in _PASSES]
        if not passes:
            return []

        http = context == "http" or (
            context is None and any(_has_scheme(d) for d in passes)
        )
        listens = [d for d in server.block or [] if d.name.text == "listen"]
        listeners = [self.word(d.args[0]) for d in listens if d.args]
        if not listens and http:
            where = self.places.span(server.name.start, server.name.end)
            listeners = [Word(_HTTP_DEFAULT_LISTEN, where, "")]
        client_auth = self._client_auth(server, parents, listens)

        found: list[Relay] = []
        for directive in passes:
            span = self.places.span(directive.name.start, directive.end)
            for target in self._targets(directive):
                found.append(
                    Relay("nginx", target, span, listeners, client_auth=client_auth)
                )
        return found

    def word(self, token: Token) -> Word:
        return self.places.word(token, self.text[token.start : token.end])

    def _targets(self, directive: Directive) -> list[Word]:
        """The unix sockets a pass sends to: written in it, or the sockets
        of the upstream it names."""
        if not directive.args:
            return []
        token = directive.args[0]
        value = token.text
        _, separator, rest = value.partition("://")
        address = rest if separator else value
        if address.startswith("unix:"):
            path = address[5:]
            if separator:
                # `http://unix:/path:/uri`: the path ends at the next colon.
                path = path.split(":", 1)[0]
            written = self.word(token)
            return [Word(path, written.span, written.raw)]
        host = address.split("/", 1)[0]
        return list(self.upstreams.get(host, []))

    def _client_auth(
        self, server: Directive, parents: list[Directive], listens: list[Directive]
    ) -> Span | None:
        """`ssl_verify_client on` for a server whose every TCP listener
        speaks TLS: only clients holding a certificate get through."""
        tcp = [d for d in listens if d.args and not d.args[0].text.startswith("unix:")]
        if not tcp or not all(any(a.text == "ssl" for a in d.args) for d in tcp):
            return None
        for block in (server, *reversed(parents)):
            for directive in block.block or []:
                if directive.name.text == "ssl_verify_client" and directive.args:
                    if directive.args[0].text != "on":
                        return None
                    return self.places.span(directive.name.start, directive.end)
        return None


def _has_scheme(directive: Directive) -> bool:
    return bool(directive.args) and "://" in directive.args[0].text
