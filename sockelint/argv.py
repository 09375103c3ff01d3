"""Reading the words of a command line: which program a word names, and
whether a word is a shell variable assignment.

Sources and rules both need these answers, and rules may not import sources,
so they live here, beside neither.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def program(word: str) -> str:
    """The program a command word names: `/usr/bin/docker` -> `docker`.

    Windows spellings name the same program: `C:\\Program Files\\docker.exe`
    and `Docker.EXE` -> `docker` (Windows file names ignore case, so they are
    lower-cased; elsewhere the case is kept, `Docker` is not `docker`).
    """
    name = re.split(r"[/\\]", word)[-1]
    if name.lower().endswith(".exe"):
        return name[: -len(".exe")].lower()
    return name


def is_assignment(word: str) -> bool:
    """A shell variable assignment word: `NAME=value` (value may be empty)."""
    name, equals, _ = word.partition("=")
    return bool(equals) and _NAME.fullmatch(name) is not None
