"""systemd unit files as entries: section, key, and the value with the
place of every row.

Podman Quadlet units are systemd units too, and a script may write a unit
(a heredoc into `docker.service.d/`), so the daemon config reader, the
systemd source and the Quadlet source all read units here, once.

systemd.syntax: `[Section]` headers, `Key=Value` lines, comment lines start
with `#` or `;`, and a line ending in `\\` goes on on the next one (comment
lines in between are skipped). Values keep their quotes: each key decides
whether it splits its value into words, so splitting is left to callers
(`words`, `exec_commands`), which read it as the shell source does. That is
close to systemd's own quoting, not the same: see README "Limitations".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sockelint.excerpt import Excerpt, ExcerptLine
from sockelint.model import Command, Word
from sockelint.span import Span

_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]*)\]\s*$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9_.-]*)\s*=\s*")
# Prefixes of an Exec*= command line: ignore failure, argv[0] given,
# no environment substitution, full privileges, no credential changes.
EXEC_PREFIXES = "-@:+!|"
# Specifiers that make socket paths (`%t/podman/podman.sock`), masked as a
# variable of the same length so every column stays where it is written.
_SPECIFIERS = re.compile(r"%([thUT])")


@dataclass(frozen=True, slots=True)
class Entry:
    section: str  # `Service`, `Container`, ...; empty before any header
    key: str
    key_span: Span
    value: Excerpt  # the value's rows; the first starts after `=` and blanks

    @property
    def text(self) -> str:
        """The value as systemd reads it: each continuation's `\\` is a space."""
        rows = [line.text for line in self.value.lines]
        joined = [r.rstrip()[:-1] if r.rstrip().endswith("\\") else r for r in rows]
        return " ".join(joined).strip()

    @property
    def span(self) -> Span:
        """The value as written, without the blanks around it."""
        first, last = self.value.lines[0], self.value.lines[-1]
        end = last.column + len(last.text.rstrip())
        return Span(self.value.path, first.line, first.column, last.line, end)

    def word(self, variables: dict[str, str] | None = None) -> Word:
        """The whole value as one word (`Volume=`, `Image=`), with the
        specifiers systemd would replace replaced."""
        text = self.text
        return Word(expand_specifiers(text, variables or {}), self.span, text)


def entries(excerpt: Excerpt) -> list[Entry]:
    """Every `Key=Value` of a unit, in order, with its section."""
    found: list[Entry] = []
    section = ""
    for rows in logical_lines(excerpt.text):
        if rows[0] >= len(excerpt.lines):
            continue
        first = excerpt.lines[rows[0]]
        header = _SECTION.match(first.text)
        if header:
            section = header.group("name").strip()
            continue
        key = _KEY.match(first.text)
        if key is None:
            continue
        key_span = Span(
            excerpt.path,
            first.line,
            first.column + key.start("key"),
            first.line,
            first.column + key.end("key"),
        )
        logical = Excerpt(excerpt.path, [excerpt.lines[r] for r in rows])
        value = shifted(logical, key.end())
        found.append(Entry(section, key.group("key"), key_span, value))
    return found


def logical_lines(text: str) -> list[list[int]]:
    """Row numbers of each logical line: a trailing `\\` continues it."""
    groups: list[list[int]] = []
    current: list[int] = []
    for row, line in enumerate(text.split("\n")):
        if line.lstrip().startswith(("#", ";")):
            if not current:
                groups.append([row])  # a comment is never continued
            continue  # systemd skips comment lines inside a continuation
        current.append(row)
        if not line.rstrip().endswith("\\"):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def shifted(sub: Excerpt, start: int) -> Excerpt:
    """`sub` from column `start` of its first row on."""
    first = sub.lines[0]
    lines = list(sub.lines)
    lines[0] = ExcerptLine(first.text[start:], first.line, first.column + start)
    return Excerpt(sub.path, lines)


def words_after(sub: Excerpt, start: int) -> list[Word]:
    """Words of a logical line from column `start` of its first row."""
    from sockelint.sources import shell

    return shell.words_of(shifted(sub, start))


def words(entry: Entry) -> list[Word]:
    """The value split into words (`PodmanArgs=`, `Environment=`)."""
    return words_after(entry.value, 0)


def strip_exec_prefix(words: list[Word]) -> list[Word]:
    """systemd's `-`, `@`, `+`, `!` prefixes on the executable."""
    if not words:
        return words
    first = words[0]
    text = first.text.lstrip(EXEC_PREFIXES)
    return [Word(text, first.span, first.raw), *words[1:]]


def exec_commands(
    entry: Entry, variables: dict[str, str], specifiers: dict[str, str]
) -> list[Command]:
    """The commands of an `Exec*=` line, read by the shell source, with
    the unit's `Environment=` variables and the path specifiers known."""
    from sockelint.sources import shell

    first = entry.value.lines[0].text
    prefix = len(first) - len(first.lstrip(EXEC_PREFIXES))
    value = shifted(entry.value, prefix)
    masked = Excerpt(
        value.path,
        [
            ExcerptLine(_SPECIFIERS.sub(r"$\1", line.text), line.line, line.column)
            for line in value.lines
        ],
    )
    known = {**variables, **specifiers}
    commands, _ = shell.parse_excerpt(masked, variables=known)
    if "@" in first[:prefix] and commands and len(commands[0].words) > 1:
        del commands[0].words[1]  # `@` puts argv[0] second: not a program word
    return commands


def expand_specifiers(text: str, specifiers: dict[str, str]) -> str:
    return _SPECIFIERS.sub(lambda m: specifiers.get(m.group(1), m.group(0)), text)


def specifiers_for(path: str) -> dict[str, str]:
    """What `%t`, `%h`, `%U`, `%T` stand for: a user unit's runtime folder
    is `$XDG_RUNTIME_DIR`, a system unit's `/run`; told apart by where the
    file sits (`~/.config/...`, `systemd/user/`, Quadlet's `users/`)."""
    parts = path.replace("\\", "/").lower().split("/")
    user = ".config" in parts or "user" in parts or "users" in parts
    if user:
        return {"t": "$XDG_RUNTIME_DIR", "h": "$HOME", "U": "$UID", "T": "/tmp"}
    return {"t": "/run", "h": "/root", "U": "0", "T": "/tmp"}
