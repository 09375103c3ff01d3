"""PowerShell scripts in CI files, read just far enough for engine commands.

Azure Pipelines `powershell:`/`pwsh:` steps and the PowerShell task run
PowerShell, not a POSIX shell: a backtick ends a line that goes on, and
escapes a character inside double quotes. Bash's grammar would read those
backticks as command substitutions, so these scripts are split here into
statements and words (quotes, backtick continuations, `;` and `|`
separators, `#` comments) and each statement is handed to the shell
source as an argv, which is enough for `docker run -v ...`, `dockerd -H`,
`socat` and the like; `$env:NAME = value` is read as `export NAME=value`.
Variables (`$env:X`) are not expanded; here-strings and block comments
are skipped as text; the rest of PowerShell's own syntax (script blocks,
cmdlets) is not understood.
"""

from __future__ import annotations

from dataclasses import dataclass

from sockelint.excerpt import Excerpt
from sockelint.model import Command, Word

_SEPARATORS = (";", "|")
# `& docker ...` and `.\tool.exe` call an executable by name.
_CALL = "&"
_ENV = "$env:"


@dataclass(slots=True)
class _Token:
    text: str
    raw: str
    start: tuple[int, int]  # 0-based (row, column) in the excerpt
    end: tuple[int, int]


def commands(excerpt: Excerpt, *, runs_in: str = "host") -> list[Command]:
    """The commands of a PowerShell script, as argvs for the shell source."""
    from sockelint.sources import shell

    found: list[Command] = []
    for statement in _statements(excerpt.text):
        if statement and statement[0].text == _CALL:
            statement = statement[1:]
        if not statement:
            continue
        assignment = _environment_assignment(statement, excerpt)
        if assignment is not None:
            found += shell.commands_from_argv(assignment, runs_in=runs_in)
            continue
        words = [
            Word(
                _program(t.text) if i == 0 else t.text,
                excerpt.span(t.start, t.end),
                t.raw,
            )
            for i, t in enumerate(statement)
        ]
        found += shell.commands_from_argv(words, runs_in=runs_in)
    return found


def _environment_assignment(
    statement: list[_Token], excerpt: Excerpt
) -> list[Word] | None:
    """`$env:NAME = value` (or `$env:NAME=value`) as the shell's `export
    NAME=value`, so `DOCKER_HOST` set this way is a client like any other."""
    first = statement[0].text
    if not first.lower().startswith(_ENV):
        return None
    name, equals, value = first[len(_ENV) :].partition("=")
    last = statement[0]
    if not equals and len(statement) >= 3 and statement[1].text == "=":
        value, last = statement[2].text, statement[2]
    elif not equals:
        return None
    span = excerpt.span(statement[0].start, last.end)
    return [Word("export", span, ""), Word(f"{name}={value}", span, "")]


def _program(name: str) -> str:
    """`docker.exe` and `C:\\...\\docker.exe` are `docker`."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-4] if base.lower().endswith(".exe") else base


def _statements(text: str) -> list[list[_Token]]:
    """Statements of words; a backtick at the end of a line joins the next.
    Block comments (`<# ... #>`) and the lines of a here-string (`@"` at a
    line's end to `"@` at the start of a later one) are text, not commands:
    they are blanked, columns kept, and a here-string's statement goes on
    after its closing mark."""
    statements: list[list[_Token]] = []
    current: list[_Token] = []
    rows = text.split("\n")
    in_comment = False
    closing: str | None = None
    for row, line in enumerate(rows):
        if closing is not None:
            stripped = line.lstrip()
            if not stripped.startswith(closing):
                continue
            line = " " * (len(line) - len(stripped) + 2) + stripped[2:]
            closing = None
        line, in_comment = _without_block_comment(line, in_comment)
        before, opener = line.rstrip()[:-2], line.rstrip()[-2:]
        if opener in ('@"', "@'") and before[-1:] in ("", " ", "\t", "=", "(", ","):
            closing = opener[::-1]
            current += _tokens(row, before)[0]
            continue
        tokens, continued = _tokens(row, line)
        current += tokens
        if continued:
            continue
        statements += _split(current)
        current = []
    statements += _split(current)
    return statements


def _without_block_comment(line: str, in_comment: bool) -> tuple[str, bool]:
    """The line with block comment text blanked, and whether a comment is
    still open at its end."""
    if in_comment:
        end = line.find("#>")
        if end < 0:
            return "", True
        line = " " * (end + 2) + line[end + 2 :]
    start = line.find("<#")
    while start >= 0 and start > 0 and line[start - 1] not in " \t;|":
        start = line.find("<#", start + 2)
    if start < 0:
        return line, False
    end = line.find("#>", start + 2)
    if end < 0:
        return line[:start], True
    blanked = line[:start] + " " * (end + 2 - start) + line[end + 2 :]
    return _without_block_comment(blanked, False)


def _split(tokens: list[_Token]) -> list[list[_Token]]:
    parts: list[list[_Token]] = [[]]
    for token in tokens:
        if token.raw in _SEPARATORS:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def _tokens(row: int, line: str) -> tuple[list[_Token], bool]:
    """The words of one line, and whether a trailing backtick continues it."""
    tokens: list[_Token] = []
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if char in " \t\r":
            index += 1
            continue
        if char == "#":
            break
        if char == "`" and not line[index + 1 :].strip():
            return tokens, True
        if char in _SEPARATORS:
            tokens.append(_Token(char, char, (row, index), (row, index + 1)))
            index += 1
            continue
        start = index
        text, index = _word(line, index)
        tokens.append(_Token(text, line[start:index], (row, start), (row, index)))
    return tokens, False


def _word(line: str, index: int) -> tuple[str, int]:
    """One word from `index`: bare characters and quoted runs, joined."""
    out: list[str] = []
    length = len(line)
    while index < length:
        char = line[index]
        if char in " \t\r;|" or (char == "`" and not line[index + 1 :].strip()):
            break
        if char == "'":
            index += 1
            while index < length:
                if line[index] == "'":
                    if line[index + 1 : index + 2] == "'":
                        out.append("'")
                        index += 2
                        continue
                    index += 1
                    break
                out.append(line[index])
                index += 1
            continue
        if char == '"':
            index += 1
            while index < length and line[index] != '"':
                if line[index] == "`" and index + 1 < length:
                    index += 1
                out.append(line[index])
                index += 1
            index += 1
            continue
        if char == "`" and index + 1 < length:
            index += 1
        out.append(line[index])
        index += 1
    return "".join(out), index
