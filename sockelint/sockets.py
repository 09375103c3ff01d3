"""The one place that knows which host paths are container engine sockets.

Every peer compares against the literal `/var/run/docker.sock`. Here paths are
normalised first (`/var/run` and `/run` are one place, `//` and trailing `/`
collapse, `${VAR:-default}`, `$XDG_RUNTIME_DIR`, `$HOME` and `$(id -u)` are
understood), then matched against the sockets of Docker (rootful, rootless,
Desktop), Podman, containerd (with k3s and microk8s), CRI-O, BuildKit,
cri-dockerd, dockershim and the Windows engine pipe, and against the
directories that hold them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

UID = "<uid>"
HOME = "~"


class HostPath(enum.Enum):
    SOCKET = "socket"
    SOCKET_DIR = "socket directory"
    ROOT = "host root"
    OTHER = "other"


# File names that are an engine's API socket wherever they sit.
_SOCKET_NAMES = {
    "docker.sock": "Docker",
    "docker.sock.raw": "Docker",
    "docker_engine": "Docker",
    "podman.sock": "Podman",
    "containerd.sock": "containerd",
    "crio.sock": "CRI-O",
    "buildkitd.sock": "BuildKit",
    "cri-dockerd.sock": "cri-dockerd",
    "dockershim.sock": "dockershim",
}

# Directories that hold an engine socket: mounting them mounts the socket.
_SOCKET_DIRS = {
    "/run",
    "/run/user",
    f"/run/user/{UID}",
    f"/run/user/{UID}/podman",
    f"/run/user/{UID}/buildkit",
    f"/run/user/{UID}/docker",
    "/run/docker",
    "/run/containerd",
    "/run/podman",
    "/run/crio",
    "/run/buildkit",
    "/run/k3s/containerd",
    "/run/k3s",
    "/var/snap/microk8s/common/run",
    f"{HOME}/.docker/run",
    f"{HOME}/.colima/default",
    f"{HOME}/.rd",
}

# `${NAME:-default}`, `${NAME-default}`, `${NAME:=default}`, `${NAME}`, `$NAME`;
# `$$` is compose's escaped `$` (the shell's pid) and never starts a name.
_VARIABLE = re.compile(
    r"(?P<escaped>\$\$)"
    r"|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-=])(?P<default>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)
_UID_FORMS = re.compile(r"\$\(\s*id\s+-u(?:\s+[^)]*)?\)|`id -u`")
_KNOWN = {
    "XDG_RUNTIME_DIR": f"/run/user/{UID}",
    "UID": UID,
    "EUID": UID,
    "HOME": HOME,
    "USER_ID": UID,
}


# Variable expansion is bounded: `A=$A$A` written a hundred times must not
# build a string of 2**100 characters. One expansion adds at most
# MAX_GROWTH characters, and a document at most its room (set by the
# engine); past that, references stay as written.
MAX_GROWTH = 64 * 1024
_room: ContextVar[list[int] | None] = ContextVar("expansion_room", default=None)


@contextmanager
def expansion_room(size: int) -> Iterator[None]:
    """Bound the text that expansions may add while one document is read."""
    token = _room.set([size])
    try:
        yield
    finally:
        _room.reset(token)


def take_room(size: int) -> bool:
    """Whether `size` more expanded characters fit in the document's room;
    they are taken when they do."""
    room = _room.get()
    if room is None or size <= 0:
        return True
    if size > room[0]:
        return False
    room[0] -= size
    return True


def expand(value: str, variables: Mapping[str, str] | None = None) -> str:
    """Replace the variables whose value is known; leave the others as `$NAME`.

    A variable given in `variables` wins; then a default written in the
    reference (`${SOCK:-/var/run/docker.sock}`); then the well-known ones.
    """
    variables = variables or {}
    value = _UID_FORMS.sub(UID, value)
    left = [MAX_GROWTH]

    def known(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return match.group(0)
        name = match.group("braced") or match.group("bare")
        if name in variables:
            return variables[name]
        if match.group("op") is not None:
            return match.group("default")
        if name in _KNOWN:
            return _KNOWN[name]
        return "$" + name

    def replace(match: re.Match[str]) -> str:
        text = known(match)
        grown = len(text) - len(match.group(0))
        if grown > left[0] or not take_room(grown):
            return match.group(0)
        left[0] -= max(grown, 0)
        return text

    for _ in range(4):  # nested defaults: ${A:-${B:-/run}}
        expanded = _VARIABLE.sub(replace, value)
        if expanded == value:
            break
        value = expanded
    return value


def normalise(path: str, variables: Mapping[str, str] | None = None) -> str:
    """The canonical spelling of a host path, for comparison."""
    path = expand(path.strip(), variables)
    if path.startswith("unix://"):
        path = path[len("unix://") :]
    path = path.replace("\\", "/")
    if path.lower().startswith("//./pipe/"):
        return "//./pipe/" + path[len("//./pipe/") :].strip("/").lower()
    if path.startswith("~/") or path == "~":
        path = HOME + path[1:]
    elif path.startswith("$HOME"):
        path = HOME + path[len("$HOME") :]

    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()  # `/var/run/docker/..` is `/var/run`
        elif part == ".." and rooted:
            continue  # `/..` is `/`
        else:
            parts.append(part)
    path = ("/" if rooted else "") + "/".join(parts)
    if path == "/var/run" or path.startswith("/var/run/"):
        path = "/run" + path[len("/var/run") :]
    if path.startswith("/run/user/") and len(parts) >= 3:
        # Any uid, literal or from a variable: /run/user/1000, /run/user/$UID.
        rest = parts[3:]
        path = "/".join(["", "run", "user", UID, *rest]).rstrip("/")
    return path or ("/" if rooted else "")


def classify(path: str, variables: Mapping[str, str] | None = None) -> HostPath:
    """What a host path is to the engine: its socket, a directory holding one,
    the host root, or something else."""
    canonical = normalise(path, variables)
    if canonical == "/":
        return HostPath.ROOT
    if engine_of(canonical) is not None:
        return HostPath.SOCKET
    if canonical in _SOCKET_DIRS:
        return HostPath.SOCKET_DIR
    return HostPath.OTHER


def engine_of(path: str) -> str | None:
    """The engine whose socket this is, or None."""
    canonical = normalise(path)
    if canonical.startswith("//./pipe/"):
        return "Docker" if canonical.endswith("docker_engine") else None
    name = canonical.rsplit("/", 1)[-1]
    return _SOCKET_NAMES.get(name)


def is_unresolved(path: str) -> bool:
    """True when the path still holds a variable whose value is unknown."""
    return "$" in normalise(path)
