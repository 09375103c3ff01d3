"""A `dockerd` command line as a daemon config.

dockerd reads its listen addresses from `-H`/`--host` (any number, also
`-H=tcp://…` and `-Htcp://…`) and its TLS state from `--tls`, `--tlsverify`
(booleans, so `--tlsverify=false` turns it off) and the certificate paths.
A `--tlsverify` implies `--tls`. The same flags arrive from a systemd
`ExecStart=` line, a `DOCKER_OPTS` string, a `sed` replacement or the
arguments of a docker-in-docker container, so this module also splits such
text into words that keep their columns.
"""

from __future__ import annotations

from sockelint.excerpt import Excerpt
from sockelint.model import DaemonConfig, Word
from sockelint.span import Span

_HOST_FLAGS = ("-H", "--host")
_FALSE = {"false", "0", "no", "off"}
# Shell control operators that end a simple command in a nested string.
OPERATORS = (";;", "&&", "||", ";", "|", "&", "\n")


def daemon_from_words(words: list[Word], span: Span, origin: str) -> DaemonConfig:
    """`words[0]` is `dockerd` (or `docker daemon`); the rest are its flags."""
    config = DaemonConfig(span, origin)
    flags = words[1:]
    if words and words[0].text == "docker" and len(words) > 1:
        flags = words[2:]  # `docker daemon`, the pre-1.12 spelling

    index = 0
    while index < len(flags):
        index += _read_flag(flags, index, config)
    return config


def daemon_from_flags(words: list[Word], span: Span, origin: str) -> DaemonConfig:
    """Flags alone, as in `DOCKER_OPTS` or a dind container's arguments."""
    placeholder = Word("dockerd", span)
    return daemon_from_words([placeholder, *words], span, origin)


def _read_flag(flags: list[Word], index: int, config: DaemonConfig) -> int:
    """Record one flag; returns how many words it used."""
    word = flags[index]
    name, has_value, value = _split_flag(word.text)

    if name in _HOST_FLAGS:
        if has_value:
            offset = len(word.text) - len(value)
            config.listeners.append(_tail(word, value, offset))
            return 1
        if index + 1 < len(flags):
            config.listeners.append(flags[index + 1])
            return 2
        return 1
    if name == "--tls":
        _set_tls(config, "tls", word, value if has_value else "true")
    elif name == "--tlsverify":
        _set_tls(config, "tlsverify", word, value if has_value else "true")
    return 1


def _split_flag(text: str) -> tuple[str, bool, str]:
    """(`--host`, True, `tcp://x`) for `--host=tcp://x`; `-Htcp://x` too."""
    if text.startswith("--") and "=" in text:
        name, value = text.split("=", 1)
        return name, True, value
    if text.startswith("-H") and len(text) > 2:
        return "-H", True, text[3:] if text[2] == "=" else text[2:]
    return text, False, ""


def _set_tls(config: DaemonConfig, which: str, word: Word, value: str) -> None:
    if value.strip("'\"").lower() in _FALSE:
        config.tls_disabled = word.span
        setattr(config, which, None)
        return
    setattr(config, which, word.span)


def _tail(word: Word, value: str, offset: int) -> Word:
    """The value part of `--host=tcp://x`, with its own columns when the
    word sits on one line."""
    span = word.span
    if span.line != span.end_line or span.end_column - span.column != len(word.text):
        return Word(value, span, value)
    return Word(
        value,
        Span(span.path, span.line, span.column + offset, span.line, span.end_column),
        value,
    )


def is_tcp(listener: str) -> bool:
    return listener.strip().strip("'\"").lower().startswith("tcp://")


def words_in(text: str, excerpt: Excerpt) -> list[Word]:
    """Shell-like words of `text` with spans through `excerpt`; operators
    (`;`, `&&`, `|`, line breaks) come out as words of their own."""
    return [Word(t, _span(excerpt, text, s, e), text[s:e]) for t, s, e in tokens(text)]


def commands_in(text: str, excerpt: Excerpt) -> list[list[Word]]:
    """The simple commands of a nested script string (`bash -c '…'`)."""
    commands: list[list[Word]] = [[]]
    for word in words_in(text, excerpt):
        if word.raw in OPERATORS:
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(unquoted text, start, end) of each word: quotes, backslashes and
    `\\`-newline continuations as a POSIX shell reads them; `$(…)` and
    backquotes kept whole; `#` comments dropped."""
    out: list[tuple[str, int, int]] = []
    at = 0
    while at < len(text):
        char = text[at]
        if text.startswith("\\\n", at) or char in " \t\r":
            at += 2 if char == "\\" else 1
            continue
        operator = next((op for op in OPERATORS if text.startswith(op, at)), None)
        if operator:
            out.append((operator, at, at + len(operator)))
            at += len(operator)
            continue
        if char == "#":
            end = text.find("\n", at)
            at = len(text) if end < 0 else end
            continue
        start = at
        word, at = _word(text, at)
        out.append((word, start, at))
    return out


def _word(text: str, at: int) -> tuple[str, int]:
    parts: list[str] = []
    while at < len(text):
        char = text[at]
        if char in " \t\r\n;&|":
            break
        if char == "'":
            end = text.find("'", at + 1)
            end = len(text) if end < 0 else end
            parts.append(text[at + 1 : end])
            at = end + 1
        elif char == '"':
            at = _double_quoted(text, at + 1, parts)
        elif char == "\\" and at + 1 < len(text):
            if text[at + 1] != "\n":
                parts.append(text[at + 1])
            at += 2
        elif text.startswith("$(", at) or char == "`":
            end = _closing(text, at)
            parts.append(text[at:end])
            at = end
        else:
            parts.append(char)
            at += 1
    return "".join(parts), at


def _double_quoted(text: str, at: int, parts: list[str]) -> int:
    while at < len(text) and text[at] != '"':
        if text[at] == "\\" and at + 1 < len(text) and text[at + 1] in '"\\$`\n':
            if text[at + 1] != "\n":
                parts.append(text[at + 1])
            at += 2
            continue
        parts.append(text[at])
        at += 1
    return at + 1


def _closing(text: str, at: int) -> int:
    """The end of `$(…)` or a backquoted command substitution."""
    if text[at] == "`":
        end = text.find("`", at + 1)
        return len(text) if end < 0 else end + 1
    depth = 0
    for index in range(at + 1, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _span(excerpt: Excerpt, text: str, start: int, end: int) -> Span:
    def row_column(offset: int) -> tuple[int, int]:
        row = text.count("\n", 0, offset)
        line_start = text.rfind("\n", 0, offset) + 1
        return (row, offset - line_start)

    return excerpt.span(row_column(start), row_column(end))


def excerpt_of(word: Word) -> Excerpt:
    """The text of a word as an excerpt: its first line starts where the
    word does (after an opening quote), the others at column 1."""
    column = word.span.column
    if word.raw[:1] in ("'", '"') or word.raw[:2] in ("$'",):
        column += 2 if word.raw.startswith("$'") else 1
    return Excerpt.at(word.span.path, word.text, word.span.line, column)
