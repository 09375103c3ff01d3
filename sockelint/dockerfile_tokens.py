"""Dockerfile text into instructions, each word with its line and column.

Written after the Dockerfile reference and BuildKit's own parser, because
dockerfile-parse reads no heredocs, ends an instruction at a blank line
inside a continuation and has no columns. What BuildKit does, and so what
this does:

- parser directives (`# syntax=`, `# escape=`, `# check=`) count only at the
  very top, before any instruction, comment that is not a directive, or
  blank line; an unknown directive ends them;
- the escape character (`\\` or, with `# escape=\\``, a backtick) at the end
  of a line continues the instruction; trailing blanks after it are allowed;
- comment lines and blank lines inside a continuation are skipped and the
  instruction goes on;
- `RUN`, `COPY` and `ADD` (also under `ONBUILD`) read here-documents: every
  word `<<NAME`, `<<-NAME` (leading tabs stripped) or `<<"NAME"` takes the
  lines after the instruction up to a line that is exactly `NAME`.

The joined text of a continued instruction keeps, for every character, the
file line and column it came from; the shell text of a `RUN` is handed on as
that one joined line (what Docker gives the shell), in an `Excerpt` that maps
each position back to its physical line.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

from sockelint.excerpt import Excerpt, ExcerptLine
from sockelint.model import Problem, Word
from sockelint.span import Span

INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_DIRECTIVES = frozenset({"syntax", "escape", "check"})

# BuildKit's directive pattern: `# name = value`, nothing else on the line.
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
# A heredoc word, as BuildKit's `reHeredoc`: optional fd, `<<`, optional `-`.
_HEREDOC = re.compile(r"^(\d*)<<(-?)([^<]*)$")
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Directive:
    name: str  # lower case
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Heredoc:
    name: str  # the delimiter, unquoted
    chomp: bool  # `<<-`: leading tabs stripped from body and terminator
    expand: bool  # False when the delimiter was quoted
    word: Word  # the `<<EOF` word on the instruction line
    body: Excerpt  # the body lines, tabs stripped for `<<-`
    end_line: int  # the terminator's line (or the last line read)
    terminated: bool = True


@dataclass(slots=True)
class Joined:
    """The logical line of an instruction: physical pieces joined.

    `pieces` hold each physical line's contribution (escape character and
    trailing blanks removed) with its file line and column.
    """

    path: str
    pieces: list[ExcerptLine]
    text: str = ""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        offset = 0
        for piece in self.pieces:
            self.starts.append(offset)
            offset += len(piece.text)
        self.text = "".join(piece.text for piece in self.pieces)

    def position(self, offset: int) -> tuple[int, int]:
        """File (line, column) of a character of the joined text."""
        if offset >= len(self.text):
            last = self.pieces[-1]
            return (last.line, last.column + len(last.text))
        index = bisect.bisect_right(self.starts, offset) - 1
        piece = self.pieces[index]
        return (piece.line, piece.column + offset - self.starts[index])

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        if end <= start:
            return Span(self.path, line, column, line, column)
        end_line, end_column = self.position(end - 1)
        return Span(self.path, line, column, end_line, end_column + 1)

    def word(self, start: int, end: int) -> Word:
        raw = self.text[start:end]
        return Word(raw, self.span(start, end), raw)

    def excerpt(self, start: int) -> Excerpt:
        """The text from `start` as one line, as Docker hands it to the
        shell, with every position mapped back to its own physical line."""
        line, column = self.position(start)
        text = self.text[start:]
        return JoinedExcerpt(self.path, [ExcerptLine(text, line, column)], self, start)


@dataclass(slots=True)
class JoinedExcerpt(Excerpt):
    """An excerpt whose first row is a continued instruction joined into one
    line (exactly the text Docker runs); later rows (heredoc bodies) map
    as plain excerpt lines."""

    joined: Joined | None = None
    offset: int = 0

    def position(self, row: int, column: int) -> tuple[int, int]:
        if row != 0 or self.joined is None:
            return Excerpt.position(self, row, column)
        return self.joined.position(self.offset + column)

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        line, column = self.position(*start)
        if end[0] != 0 or self.joined is None or end <= start:
            end_line, end_column = self.position(*end)
            return Span(self.path, line, column, end_line, end_column)
        # The exclusive end of a word that closes a physical piece is just
        # after its last character, not the start of the next piece.
        end_line, end_column = self.joined.position(self.offset + end[1] - 1)
        return Span(self.path, line, column, end_line, end_column + 1)


@dataclass(slots=True)
class Instruction:
    keyword: str  # upper case as Docker reads it
    keyword_span: Span
    joined: Joined
    args_start: int  # offset in joined.text after the keyword and blanks
    flags: list[Word]  # leading `--name=value` words
    rest_start: int  # offset after the flags
    line: int  # first physical line
    end_line: int  # last physical line, heredoc bodies included
    heredocs: list[Heredoc] = field(default_factory=list)
    inner: Instruction | None = None  # the instruction under ONBUILD
    escape: str = "\\"

    @property
    def rest(self) -> str:
        return self.joined.text[self.rest_start :]

    def words(self) -> list[Word]:
        """The arguments after the flags, split as Docker splits them for
        ENV, ARG, LABEL and the like: on blanks outside quotes. `raw` keeps
        quotes and escapes; `text` has them removed."""
        return [
            Word(unquote(raw, self.escape), span, raw)
            for raw, span in self._raw_words()
        ]

    def _raw_words(self) -> list[tuple[str, Span]]:
        text = self.joined.text
        return [
            (text[start:end], self.joined.span(start, end))
            for start, end in split_words(text, self.rest_start, self.escape)
        ]

    def exec_form(self) -> list[Word] | None:
        """The JSON array form (`["a", "b"]`), or None for shell form."""
        return json_array(self.joined, self.rest_start)

    def shell(self) -> Excerpt:
        """The shell form text after the flags, mapped back to the file."""
        return self.joined.excerpt(self.rest_start)


@dataclass(slots=True)
class Dockerfile:
    path: str
    escape: str
    directives: list[Directive]
    instructions: list[Instruction]
    problems: list[Problem]


def tokenize(source: Excerpt) -> Dockerfile:
    """Every instruction of a Dockerfile given as an excerpt (a whole file,
    or a fenced block of Markdown), with the problems met on the way."""
    lines = [_clean(piece, i == 0) for i, piece in enumerate(source.lines)]
    directives, escape, problems = _directives(source.path, lines)

    instructions: list[Instruction] = []
    index = 0
    while index < len(lines):
        index = _next_instruction(source.path, lines, index, escape, instructions)

    for instruction in instructions:
        problems += _check(instruction)
    for instruction in instructions:
        problems += _heredoc_problems(instruction)
    return Dockerfile(source.path, escape, directives, instructions, problems)


def _clean(piece: ExcerptLine, first: bool) -> ExcerptLine:
    text = piece.text.removesuffix("\r")
    column = piece.column
    if first and text.startswith(_BOM):
        text = text[1:]
        column += 1
    return ExcerptLine(text, piece.line, column)


def _directives(
    path: str, lines: list[ExcerptLine]
) -> tuple[list[Directive], str, list[Problem]]:
    """The parser directives at the top; they stop at the first line that
    is not a known directive (a blank line, a comment, an instruction)."""
    directives: list[Directive] = []
    problems: list[Problem] = []
    escape = "\\"
    seen: set[str] = set()

    for piece in lines:
        match = _DIRECTIVE.match(piece.text.lstrip())
        if not match or match.group(1).lower() not in _DIRECTIVES:
            break
        name, value = match.group(1).lower(), match.group(2)
        span = Span(path, piece.line, 1, piece.line, len(piece.text) + 1)
        if name in seen:
            problems.append(Problem(span, f"parser directive `{name}` used twice"))
            continue
        seen.add(name)
        directives.append(Directive(name, value, span))
        if name == "escape":
            if value in ("\\", "`"):
                escape = value
            else:
                problems.append(Problem(span, f"invalid escape character `{value}`"))
    return directives, escape, problems


def _is_comment(text: str) -> bool:
    return text.lstrip().startswith("#")


def _continues(text: str, escape: str) -> tuple[str, bool]:
    """The line without a trailing escape character, and whether it had one
    (BuildKit allows blanks after it)."""
    stripped = text.rstrip(" \t")
    if stripped.endswith(escape):
        return stripped[: -len(escape)], True
    return text, False


def _next_instruction(
    path: str,
    lines: list[ExcerptLine],
    index: int,
    escape: str,
    out: list[Instruction],
) -> int:
    """Read one instruction starting at lines[index]; the index after it."""
    first = lines[index]
    if _is_comment(first.text) or not first.text.strip():
        return index + 1

    indent = len(first.text) - len(first.text.lstrip())
    text, more = _continues(first.text[indent:], escape)
    pieces = [ExcerptLine(text, first.line, first.column + indent)]
    end_line = first.line
    index += 1

    # Comment and blank lines inside a continuation are skipped, and the
    # instruction goes on (BuildKit warns about the blank ones).
    while more and index < len(lines):
        piece = lines[index]
        index += 1
        if _is_comment(piece.text) or not piece.text.strip():
            continue
        text, more = _continues(piece.text, escape)
        pieces.append(ExcerptLine(text, piece.line, piece.column))
        end_line = piece.line

    joined = Joined(path, pieces)
    instruction = _instruction(joined, 0, escape)
    if instruction is None:
        return index
    instruction.line = first.line
    instruction.end_line = end_line

    target = instruction.inner if instruction.inner is not None else instruction
    if target.keyword in HEREDOC_INSTRUCTIONS and "<<" in joined.text:
        index = _read_heredocs(path, lines, index, target, instruction)
    out.append(instruction)
    return index


def _instruction(joined: Joined, offset: int, escape: str) -> Instruction | None:
    """The instruction written at `offset` of a logical line."""
    text = joined.text
    start = skip_blanks(text, offset)
    if start >= len(text):
        return None
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    args_start = skip_blanks(text, end)
    flags, rest_start = _flags(joined, args_start, escape)
    line = joined.position(start)[0]

    instruction = Instruction(
        text[start:end].upper(),
        joined.span(start, end),
        joined,
        args_start,
        flags,
        rest_start,
        line,
        line,
    )
    instruction.escape = escape
    if instruction.keyword == "ONBUILD":
        instruction.inner = _instruction(joined, args_start, escape)
    return instruction


def skip_blanks(text: str, offset: int) -> int:
    while offset < len(text) and text[offset].isspace():
        offset += 1
    return offset


def _flags(joined: Joined, offset: int, escape: str) -> tuple[list[Word], int]:
    """Leading `--flag=value` words; `--` alone ends them."""
    text = joined.text
    flags: list[Word] = []
    for start, end in split_words(text, offset, escape):
        if not text.startswith("--", start):
            return flags, start
        if text[start:end] == "--":
            return flags, skip_blanks(text, end)
        word = joined.word(start, end)
        flags.append(Word(unquote(word.raw, escape), word.span, word.raw))
    return flags, len(text)


def _read_heredocs(
    path: str,
    lines: list[ExcerptLine],
    index: int,
    target: Instruction,
    outer: Instruction,
) -> int:
    """Bodies of the heredocs of `target`, read after the instruction."""
    for word in _heredoc_words(target):
        heredoc, index = _heredoc_body(path, lines, index, word, outer.end_line)
        target.heredocs.append(heredoc)
        outer.end_line = heredoc.end_line
    return index


def _heredoc_words(instruction: Instruction) -> list[tuple[Word, str, bool, bool]]:
    """(word, name, chomp, expand) for each heredoc word on the line."""
    found = []
    text = instruction.joined.text
    for start, end in split_words(text, instruction.args_start, instruction.escape):
        raw = text[start:end]
        match = _HEREDOC.match(raw)
        if not match or not match.group(3):
            continue
        delimiter = match.group(3)
        name = unquote(delimiter, "\\")
        if not name or any(c.isspace() for c in name):
            continue
        expand = not any(q in delimiter for q in "'\"\\")
        word = instruction.joined.word(start, end)
        found.append((word, name, match.group(2) == "-", expand))
    return found


def _heredoc_body(
    path: str,
    lines: list[ExcerptLine],
    index: int,
    found: tuple[Word, str, bool, bool],
    last_line: int,
) -> tuple[Heredoc, int]:
    word, name, chomp, expand = found
    body: list[ExcerptLine] = []
    while index < len(lines):
        piece = lines[index]
        index += 1
        text, column = piece.text, piece.column
        if chomp:
            stripped = text.lstrip("\t")
            column += len(text) - len(stripped)
            text = stripped
        if text == name:
            heredoc = Heredoc(
                name, chomp, expand, word, Excerpt(path, body), piece.line
            )
            return heredoc, index
        body.append(ExcerptLine(text, piece.line, column))
        last_line = piece.line

    # Unterminated: Docker refuses the file; keep what was read so the
    # commands in it are still seen, and report it at the heredoc word.
    heredoc = Heredoc(name, chomp, expand, word, Excerpt(path, body), last_line, False)
    return heredoc, index


def _check(instruction: Instruction) -> list[Problem]:
    """An instruction Docker would not know."""
    problems = []
    for current in (instruction, instruction.inner):
        if current is None:
            continue
        if current.keyword not in INSTRUCTIONS:
            reason = f"unknown instruction `{current.keyword}`"
            problems.append(Problem(current.keyword_span, reason))
    if instruction.keyword == "ONBUILD" and instruction.inner is None:
        reason = "`ONBUILD` needs an instruction"
        problems.append(Problem(instruction.keyword_span, reason))
    return problems


def _heredoc_problems(instruction: Instruction) -> list[Problem]:
    target = instruction.inner or instruction
    return [
        Problem(heredoc.word.span, f"heredoc `{heredoc.name}` is never terminated")
        for heredoc in target.heredocs
        if not heredoc.terminated
    ]


def split_words(text: str, offset: int, escape: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-separated word from `offset`, quotes and
    escapes respected (BuildKit's `parseWords`)."""
    words: list[tuple[int, int]] = []
    position = offset
    length = len(text)
    while True:
        position = skip_blanks(text, position)
        if position >= length:
            return words
        start = position
        quote = ""
        while position < length:
            char = text[position]
            if not quote and char.isspace():
                break
            if quote and char == quote:
                quote = ""
            elif not quote and char in "'\"":
                quote = char
            elif char == escape and quote != "'":
                position += 1
            position += 1
        words.append((start, min(position, length)))


def unquote(raw: str, escape: str) -> str:
    """A word without its quotes and escapes, variables left as written."""
    out: list[str] = []
    quote = ""
    position = 0
    while position < len(raw):
        char = raw[position]
        if quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        elif char == escape and quote != "'" and position + 1 < len(raw):
            position += 1
            following = raw[position]
            # Inside double quotes only a few characters are escapable.
            if quote == '"' and following not in '"$`\\' + escape:
                out.append(char)
            out.append(following)
        else:
            out.append(char)
        position += 1
    return "".join(out)


def json_array(joined: Joined, offset: int) -> list[Word] | None:
    """The words of a JSON string array at `offset`, each with its span;
    None when the text is not one (Docker then reads the shell form)."""
    text = joined.text
    position = skip_blanks(text, offset)
    if not text.startswith("[", position):
        return None

    words: list[Word] = []
    position = skip_blanks(text, position + 1)
    if text.startswith("]", position):
        return words if not text[position + 1 :].strip() else None
    while position < len(text):
        end = _json_string_end(text, position)
        if end is None:
            return None
        try:
            value = json.loads(text[position:end])
        except ValueError:
            return None
        raw = text[position:end]
        words.append(Word(value, joined.span(position, end), raw))
        position = skip_blanks(text, end)
        if text.startswith("]", position):
            return words if not text[position + 1 :].strip() else None
        if not text.startswith(",", position):
            return None
        position = skip_blanks(text, position + 1)
    return None


def _json_string_end(text: str, position: int) -> int | None:
    if not text.startswith('"', position):
        return None
    position += 1
    while position < len(text):
        if text[position] == "\\":
            position += 2
            continue
        if text[position] == '"':
            return position + 1
        position += 1
    return None
