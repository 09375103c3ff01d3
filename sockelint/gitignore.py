"""The `.gitignore` pattern rules, enough to walk a repository as git sees it.

Implemented here (about a hundred lines) rather than taken from `pathspec`,
so the pre-commit hook installs with no extra dependency. The rules follow
gitignore(5): blank lines and `#` lines are skipped, `\\` escapes, `!`
re-includes, a trailing `/` matches directories only, a `/` at the start or
in the middle anchors the pattern to the `.gitignore`'s own folder, `*` and
`?` never cross a `/`, and `**` spans folders when it is a whole segment.
The last matching pattern wins; a deeper `.gitignore` is consulted after a
shallower one, so it wins too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sockelint import reading


@dataclass(frozen=True, slots=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    directories_only: bool


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The patterns of one `.gitignore`, matched against paths relative to
    the folder it sits in."""

    base: str  # the folder, relative to the walk's root, with `/`; "" at root
    patterns: tuple[Pattern, ...]

    def verdict(self, relative: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included, None: no pattern speaks."""
        if self.base:
            if not relative.startswith(self.base + "/"):
                return None
            relative = relative[len(self.base) + 1 :]

        verdict = None
        for pattern in self.patterns:
            if pattern.directories_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                verdict = not pattern.negated
        return verdict


# Larger than any real ignore file; a bigger one is not read.
_MAX_SIZE = 1024 * 1024
# Wildcards a pattern may hold (see parse_line).
_MAX_STARS = 3


def load(path: Path, base: str) -> IgnoreFile | None:
    # Checked before opening: `.git/info/exclude` may be a FIFO in a hostile
    # repository, and reading one would block the run.
    if reading.check(path, _MAX_SIZE) is not None:
        return None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    patterns = tuple(p for p in map(parse_line, text.splitlines()) if p)
    return IgnoreFile(base, patterns) if patterns else None


def parse_line(line: str) -> Pattern | None:
    line = _trim_trailing_spaces(line)
    if not line or line.startswith("#"):
        return None

    negated = line.startswith("!")
    if negated:
        line = line[1:]
    elif line.startswith("\\"):
        line = line[1:] if line[1:2] in ("#", "!") else line

    directories_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/")
    if not line:
        return None

    # A slash anywhere but the end ties the pattern to the ignore file's folder.
    anchored = "/" in line
    line = line.lstrip("/")
    body = translate(line)
    if body.count("*") > _MAX_STARS:
        # `*a*a*a*a*a*a*b` backtracks exponentially in `re`; such a pattern
        # is dropped, so its files are scanned rather than a run hanging.
        return None
    prefix = "" if anchored or line.startswith("**/") else "(?:.*/)?"
    try:
        regex = re.compile(f"^{prefix}{body}$", re.DOTALL)
    except re.error:
        return None  # git matches nothing with a pattern like `[z-a]`
    return Pattern(regex, negated, directories_only)


def _trim_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped + " "
    return stripped


def translate(glob: str) -> str:
    """A gitignore glob as a regular expression body over `/` paths."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i) and (i == 0 or glob[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
        elif (
            glob.startswith("**", i)
            and i + 2 == len(glob)
            and glob[i - 1 : i] in ("/", "")
        ):
            out.append(".*")
            i += 2
        else:
            piece, i = _one(glob, i)
            out.append(piece)
    return "".join(out)


def _one(glob: str, i: int) -> tuple[str, int]:
    char = glob[i]
    if char == "*":
        while glob.startswith("*", i):
            i += 1
        return "[^/]*", i
    if char == "?":
        return "[^/]", i + 1
    if char == "\\" and i + 1 < len(glob):
        return re.escape(glob[i + 1]), i + 2
    if char == "[":
        return _bracket(glob, i)
    return re.escape(char), i + 1


def _bracket(glob: str, i: int) -> tuple[str, int]:
    # A `]` first in the class (after any `!`) is a literal `]`.
    first = i + 2 if glob[i + 1 : i + 2] in ("!", "^") else i + 1
    end = glob.find("]", first + 1)
    if end == -1:
        return re.escape("["), i + 1
    inner = glob[i + 1 : end]
    if inner[:1] in ("!", "^"):
        inner = "^" + inner[1:]
    inner = inner.replace("\\", "\\\\") if "\\" in inner else inner
    return f"[{inner}]", end + 1


def ignored(files: list[IgnoreFile], relative: str, is_dir: bool) -> bool:
    """Whether git would ignore `relative` (a path under the walk's root)."""
    verdict = False
    for ignore_file in files:
        spoken = ignore_file.verdict(relative, is_dir)
        if spoken is not None:
            verdict = spoken
    return verdict
