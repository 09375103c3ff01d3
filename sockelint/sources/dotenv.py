"""dotenv files (`.env`, `.env.*`, `*.env`): the environment of a folder.

Docker Compose reads the `.env` of the project folder, and so do the
tools that load one into every command run there (dotenv loaders, a
Makefile's `include .env` with `export`, an IDE's run configuration), so
a `DOCKER_HOST=tcp://...` in it points those clients at an engine. It is
SL203 as anywhere else: unless `DOCKER_TLS_VERIFY` is on in the same
file, or the host is a socket proxy. Podman's `CONTAINER_HOST` is read the
same way.

A `.env` beside a compose file that interpolates the variable
(`DOCKER_HOST: ${DOCKER_HOST}`) gives its value to that service, and the
compose source reports it there; this file then says nothing about it,
so one setting is one finding.

Templates (`.env.example`, `.env.sample`, `.env.dist`) are read the same
way: the documented setup copies them to `.env` as they are, so their
value is the one people run with.

Lines are `NAME=value`, optionally after `export`, with single or double
quotes or a trailing ` # comment`. A file that names neither
`DOCKER_HOST` nor `CONTAINER_HOST` costs a substring test or two and is
not read further. `.envrc` (direnv) is a shell
script and is read by the shell source.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sockelint import endpoints
from sockelint.document import Document
from sockelint.model import EnvVar, Facts
from sockelint.span import Span

if TYPE_CHECKING:
    from collections.abc import Callable

_LINE = re.compile(
    r"^(?P<lead>\s*(?:export\s+)?)(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*=[ \t]*"
    r"(?P<value>.*)$"
)
_NAMES = (*endpoints.HOST_VARIABLES, "DOCKER_TLS_VERIFY")
# The files Compose finds by itself, and reads this folder's `.env` for.
_COMPOSE_FILES = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
)
_MAX_COMPOSE = 2 * 1024 * 1024


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind or "dotenv")
    if not any(name in document.text for name in endpoints.HOST_VARIABLES):
        return facts

    env: list[EnvVar] = []
    for number, line in enumerate(document.lines, start=1):
        match = _LINE.match(line)
        if match and match.group("name") in _NAMES:
            env.append(_variable(document.path, number, line, match))
    interpolated = _interpolated(document.location)
    env = [v for v in env if not interpolated(v.name)]
    facts.clients += endpoints.clients_from_env(env, "dotenv file")
    return facts


def _interpolated(location: str | None) -> Callable[[str], bool]:
    """Whether a compose file beside this `.env` writes `${NAME}`: then the
    compose source reports the value where a service gets it, and this
    file stays quiet (one problem, one finding)."""
    texts: list[str] = []
    if location and Path(location).name == ".env":
        for name in _COMPOSE_FILES:
            path = Path(location).parent / name
            try:
                if path.is_file() and path.stat().st_size <= _MAX_COMPOSE:
                    texts.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue

    def written(variable: str) -> bool:
        reference = re.compile(rf"\$\{{?{re.escape(variable)}\b")
        return any(reference.search(text) for text in texts)

    return written


def _variable(path: str, number: int, line: str, match: re.Match[str]) -> EnvVar:
    """The entry and its value, placed inside the quotes when quoted."""
    raw = match.group("value").rstrip()
    start = match.start("value")
    if raw[:1] in ("'", '"') and raw.find(raw[0], 1) > 0:
        value = raw[1 : raw.find(raw[0], 1)]
        start += 1
    else:
        comment = re.search(r"(?:^|\s)#", raw)
        value = (raw[: comment.start()] if comment else raw).strip()
    whole = Span(path, number, match.start("name") + 1, number, len(line) + 1)
    value_span = Span(path, number, start + 1, number, start + 1 + max(len(value), 1))
    return EnvVar(match.group("name"), value, whole, value_span)
