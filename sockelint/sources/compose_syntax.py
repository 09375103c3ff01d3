"""The small string syntaxes inside a compose file, without any YAML.

A short volume entry (`/var/run/docker.sock:/var/run/docker.sock:ro`), a
short port (`127.0.0.1:2375:2375/tcp`), an environment entry (`KEY=value`)
and the `.env` file beside the compose file. Each parser returns the pieces
with their offsets in the string, so the compose source can point a finding
at the `:ro` inside an entry. Reference: the compose specification's
"Short syntax" sections for `volumes` and `ports`, and compose-go's
`format/volume.go`, which splits on `:` except after a Windows drive letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# Options of the short volume syntax that make the mount read-only.
_READ_ONLY = {"ro", "readonly"}
# A `${NAME:?message}` or `${NAME?message}` reference: compose fails when NAME
# is unset, so for reading the file it stands for `${NAME}`.
_REQUIRED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?[^}]*\}")
_DOTENV_LINE = re.compile(
    r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*)$"
)
_MAX_DOTENV = 256 * 1024


@dataclass(frozen=True, slots=True)
class Piece:
    """A part of a string and where it sits in it (0-based, end exclusive)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ShortVolume:
    """`[source:]target[:options]` split into its parts."""

    source: Piece | None
    target: Piece
    options: Piece | None = None
    # The options with their leading `:`, when one of them is `ro`.
    read_only: Piece | None = None

    @property
    def is_path(self) -> bool:
        """The source is a host path, not the name of a volume."""
        return self.source is not None and is_host_path(self.source.text)


def _is_drive(text: str, start: int, index: int) -> bool:
    """A part so far of one letter, as compose-go reads `C:` (a drive)."""
    return index - start == 1 and text[start].isalpha()


def _pieces(text: str) -> list[Piece]:
    pieces: list[Piece] = []
    start = 0
    depth = 0
    for index, char in enumerate(text):
        # A colon inside `${NAME:-default}` belongs to the variable.
        if char == "{" and text[index - 1 : index] == "$":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        if char != ":" or depth or _is_drive(text, start, index):
            continue
        pieces.append(Piece(text[start:index], start, index))
        start = index + 1
    pieces.append(Piece(text[start:], start, len(text)))
    return pieces


def split_volume(text: str) -> ShortVolume | None:
    """Parse a short volume entry; None when it is empty."""
    if not text.strip():
        return None
    pieces = _pieces(text)
    if len(pieces) == 1:
        return ShortVolume(None, pieces[0])

    source, target = pieces[0], pieces[1]
    if len(pieces) == 2:
        return ShortVolume(source, target)

    last = pieces[-1]
    options = Piece(text[pieces[2].start :], pieces[2].start, last.end)
    flags = {flag.strip() for flag in options.text.split(",")}
    read_only = None
    if flags & _READ_ONLY:
        read_only = Piece(":" + options.text, options.start - 1, options.end)
    return ShortVolume(source, target, options, read_only)


def is_host_path(source: str) -> bool:
    """A volume source that is a path on the host rather than a volume name:
    absolute, relative (`./`, `../`), home (`~`), a Windows drive or pipe, or
    a variable (which in practice holds a path)."""
    source = source.strip()
    if not source or source.startswith("$$"):
        return False  # `$$` is compose's literal `$`: a (bad) volume name
    if source[0] in "./~\\$":
        return True
    return len(source) >= 2 and source[0].isalpha() and source[1] == ":"


@dataclass(frozen=True, slots=True)
class ShortPort:
    container: Piece
    host: Piece | None = None
    host_ip: Piece | None = None


def split_port(text: str) -> ShortPort | None:
    """`[[ip:]host:]container[/protocol]`; ip may be `[::1]`."""
    body = text.split("/", 1)[0]
    if not body.strip():
        return None

    host_ip = None
    rest_start = 0
    if body.startswith("["):
        close = body.find("]")
        if close > 0 and body[close + 1 : close + 2] == ":":
            host_ip = Piece(body[1:close], 1, close)
            rest_start = close + 2
    parts = _split_colons(body, rest_start)
    if host_ip is None and len(parts) >= 3:
        host_ip = Piece(body[: parts[-2].start - 1], 0, parts[-2].start - 1)
        parts = parts[-2:]

    container = parts[-1]
    host = parts[-2] if len(parts) >= 2 and parts[-2].text else None
    return ShortPort(container, host, host_ip)


def _split_colons(text: str, start: int) -> list[Piece]:
    pieces = []
    for index in range(start, len(text)):
        if text[index] == ":":
            pieces.append(Piece(text[start:index], start, index))
            start = index + 1
    pieces.append(Piece(text[start:], start, len(text)))
    return pieces


@dataclass(frozen=True, slots=True)
class EnvEntry:
    name: str
    value: Piece | None  # None for `- KEY` (taken from the host environment)


def split_env(text: str) -> EnvEntry | None:
    """A list-form environment entry: `KEY=value` or `KEY`."""
    name, equals, value = text.partition("=")
    name = name.strip()
    if not name:
        return None
    if not equals:
        return EnvEntry(name, None)
    start = len(text) - len(value)
    return EnvEntry(name, Piece(value, start, len(text)))


def without_required(text: str) -> str:
    """`${NAME:?message}` read as `${NAME}`, for expansion."""
    return _REQUIRED.sub(r"${\1}", text)


@dataclass(slots=True)
class DotEnv:
    """Variables of the `.env` file beside a compose file."""

    variables: dict[str, str] = field(default_factory=dict)

    @classmethod
    def beside(cls, location: str | None) -> DotEnv:
        """Read `.env` next to the file; nothing when there is no such file
        or the document came from stdin. Its text is only parsed."""
        if not location:
            return cls()
        path = Path(location).parent / ".env"
        try:
            if not path.is_file() or path.stat().st_size > _MAX_DOTENV:
                return cls()
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return cls()
        return cls(parse_dotenv(text))


def parse_dotenv(text: str) -> dict[str, str]:
    """`KEY=value` lines: comments, `export`, quotes and trailing comments."""
    variables: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _DOTENV_LINE.match(line)
        if match:
            variables[match.group("name")] = _dotenv_value(match.group("value"))
    return variables


def _dotenv_value(value: str) -> str:
    value = value.strip()
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        if end > 0:
            return value[1:end]
        return value[1:]
    comment = re.search(r"\s#", value)
    if comment:
        value = value[: comment.start()]
    return value.strip()
