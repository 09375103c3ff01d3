"""Reading a file safely: what it says, or why it was not read.

Nothing here opens a FIFO, a socket or a device (a linter that blocks on a
FIFO in a repository hangs a pre-commit hook); the file type is decided with
`os.stat` first. Text is decoded as UTF-8 (a BOM is dropped), and line ends
are normalised to `\\n` so line numbers match an editor's for CRLF files too.
Bytes that are not UTF-8 are replaced, and the first bad one is recorded so
the run reports an SL000 note with its place instead of failing.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

BINARY_PROBE = 8192
HEAD = 4096
DEFAULT_MAX_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DecodeProblem:
    """The first byte that is not UTF-8, and where it sits in the text."""

    offset: int  # byte offset in the file as read
    line: int  # 1-based, in the decoded text
    column: int  # 1-based

    @property
    def reason(self) -> str:
        return (
            f"not valid UTF-8 at byte {self.offset}; "
            "undecodable bytes were replaced and the rest was read"
        )


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    problem: DecodeProblem | None = None


@dataclass(frozen=True, slots=True)
class Unread:
    reason: str


def read(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> Text | Unread:
    """The text of a regular file, or why it was not read."""
    unfit = check(path, max_size)
    if unfit is not None:
        return unfit

    try:
        with open(path, "rb") as stream:
            # Read one byte past the limit: the file may have grown since stat.
            data = stream.read(max_size + 1)
    except OSError as error:
        return Unread(_os_reason(error))
    if len(data) > max_size:
        return Unread(f"larger than {max_size} bytes")
    return decode(data)


def check(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> Unread | None:
    """Why a file cannot be read, decided without opening it; None if fine."""
    try:
        status = os.stat(path)
    except OSError as error:
        return Unread(_broken_link_reason(path, error))

    if stat.S_ISDIR(status.st_mode):
        return Unread("a directory")
    if not stat.S_ISREG(status.st_mode):
        return Unread(f"not a regular file ({_file_type(status.st_mode)})")
    if status.st_size > max_size:
        return Unread(f"larger than {max_size} bytes ({status.st_size} bytes)")
    return None


def head(path: Path, size: int = HEAD) -> str:
    """The first bytes of a regular file as text, for deciding its kind;
    empty for anything that is not a readable regular file."""
    if check(path) is not None:
        return ""
    try:
        with open(path, "rb") as stream:
            data = stream.read(size)
    except OSError:
        return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").removeprefix("\ufeff")
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def decode(data: bytes) -> Text | Unread:
    """Bytes as text: BOM dropped, CRLF and lone CR made LF, bad bytes replaced.
    UTF-16 with a byte order mark (what Windows PowerShell 5's `>` writes)
    is text, not a binary file, though it is full of NUL bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf16 = data.decode("utf-16", errors="replace").removeprefix("\ufeff")
        data = utf16.encode("utf-8")
    if b"\0" in data[:BINARY_PROBE]:
        return Unread("binary (NUL byte in the first 8 KB)")

    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    problem = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        problem = _locate(data, error.start, bom)

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Text(text, problem)


def _locate(data: bytes, offset: int, bom: int) -> DecodeProblem:
    before = data[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", errors="replace").rstrip("\r")) + 1
    # The offset is reported as in the file, BOM included.
    return DecodeProblem(offset + bom, line, column)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "special file"


def _broken_link_reason(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if os.path.islink(path) and error.errno == errno.ENOENT:
        return "dangling symbolic link"
    return _os_reason(error)


def _os_reason(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"
