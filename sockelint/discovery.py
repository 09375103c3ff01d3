"""Which files a run reads, and what kind each one is.

Files named on the command line are always considered; folders are walked
the way git sees them (`.gitignore` respected, vendored and generated
folders left out). Symbolic links are never followed out of the folder being
walked, and a folder reached twice (a link loop) is walked once.

Every input ends up either scanned or skipped with a reason. Files met while
walking that are of no kind at all are simply not inputs (a README.txt is not
worth a line), but a file of a kind sockelint has no source for yet is
listed as skipped, so nothing is lost without a word.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sockelint import gitignore, kinds, reading, sources

log = logging.getLogger(__name__)

# Folders that hold other people's code or generated files, never the
# repository's own deployment.
EXCLUDED_DIRS = frozenset(
    {".git", "node_modules", "vendor", ".venv", "venv", "__pycache__"}
)

# Names whose kind may depend on their first bytes: YAML (compose or
# Kubernetes), JSON (`docker inspect` output), extensionless scripts and
# `.hcl` (a Nomad job spec, or some other tool's configuration), `.pod`
# (a Quadlet pod, or Perl's documentation), `.network` (a Quadlet network,
# or systemd-networkd's) and templates (`.tpl`, `.tftpl`: cloud-init user
# data by its `#cloud-config` line).
_CONTENT_DECIDES = (
    "",
    ".yml",
    ".yaml",
    ".json",
    ".hcl",
    ".pod",
    ".network",
    ".tpl",
    ".tftpl",
)


@dataclass(frozen=True, slots=True)
class Input:
    path: str  # as reported: relative to the working directory, with `/`
    location: Path  # where it is on disk
    kind: str


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class Inputs:
    files: list[Input] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def discover(arguments: Iterable[str], cwd: Path | None = None) -> Inputs:
    """The files to scan for paths given on the command line."""
    here = Path(os.path.abspath(cwd or os.getcwd()))
    inputs = Inputs()
    seen: set[str] = set()

    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for entry in _walk(path, here):
                _add(inputs, entry, seen)
        else:
            _add(inputs, _explicit(path, here), seen)
    return inputs


def _add(inputs: Inputs, entry: Input | Skipped, seen: set[str]) -> None:
    if entry.path in seen:
        return
    seen.add(entry.path)
    if isinstance(entry, Input):
        inputs.files.append(entry)
    else:
        inputs.skipped.append(entry)


def _explicit(path: Path, here: Path) -> Input | Skipped:
    shown = display(path, here)
    kind = kind_for(shown, path, reading.head(path))
    if kind is None:
        return Skipped(shown, "unknown kind")
    return _known(shown, path, kind)


def _known(shown: str, path: Path, kind: str) -> Input | Skipped:
    if kind not in sources.MODULES:
        return Skipped(shown, f"no source for kind {kind} yet")
    return Input(shown, path, kind)


def kind_for(shown: str, location: Path | None, head: str | None = None) -> str | None:
    """The kind of a file; `head` is read from `location` only when the name
    alone cannot decide."""
    # The folders a file sits in decide some kinds (`.github/workflows/`,
    # `docker.service.d/`): judge the whole path, not the shown one, which
    # lacks them when sockelint runs inside such a folder (as editors do).
    judged = os.path.abspath(location) if location is not None else shown

    # Only a path through a `templates/` folder can be a Helm template;
    # asking the disk for every other file of a walk is wasted time.
    in_chart = (
        location is not None
        and "templates" in judged.lower().replace("\\", "/").split("/")
        and in_helm_chart(location)
    )
    kind = kinds.kind_of(judged, "", in_chart)
    if kind is not None:
        return kind
    if head is None:
        if location is None or location.suffix.lower() not in _CONTENT_DECIDES:
            return None
        head = reading.head(location)
    return kinds.kind_of(judged, head, in_chart) if head else None


def in_helm_chart(location: Path) -> bool:
    """Whether the file sits under a `templates/` folder beside a Chart.yaml."""
    folder = Path(os.path.abspath(location)).parent
    for parent in (folder, *folder.parents):
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return True
    return False


def display(path: Path, here: Path) -> str:
    """The path as reported: relative to the working directory when it is
    below it, with `/` on every platform. Bytes of a file name that are not
    UTF-8 are shown escaped (`bad\\xff.yml`), so every output format can
    write the name; the file itself is still read from `path`."""
    return _printable(_below(path, here))


def _below(path: Path, here: Path) -> str:
    absolute_text = os.path.abspath(path)
    # The common case, below the working directory, without pathlib's
    # parsing (this runs for every file of a walk).
    prefix = os.path.join(str(here), "")
    if absolute_text.startswith(prefix):
        return absolute_text[len(prefix) :].replace(os.sep, "/")
    absolute = Path(absolute_text)
    try:
        relative = absolute.relative_to(here)
    except ValueError:
        return Path(os.path.normpath(path)).as_posix()
    return relative.as_posix()


def _printable(name: str) -> str:
    if name.isascii():
        return name
    raw = name.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace")


def _walk(root: Path, here: Path) -> Iterator[Input | Skipped]:
    root_real = os.path.realpath(root)
    top = _repository_top(Path(root_real)) or Path(root_real)
    ignores = _ancestor_ignores(top, Path(root_real))
    visited = {root_real}
    stack: list[tuple[Path, list[gitignore.IgnoreFile]]] = [(root, ignores)]

    while stack:
        folder, ignores = stack.pop()
        relative_folder = _relative(os.path.realpath(folder), top)
        ignores = _with_local_ignore(folder, relative_folder, ignores)
        subfolders = []
        for entry in _entries(folder):
            found = _visit(entry, relative_folder, ignores, root_real, visited, here)
            if isinstance(found, Path):
                subfolders.append((found, ignores))
            elif found is not None:
                yield found
        # Depth first, in name order: the stack pops the last pushed first.
        stack.extend(reversed(subfolders))


def _visit(
    entry: os.DirEntry[str],
    relative_folder: str,
    ignores: list[gitignore.IgnoreFile],
    root_real: str,
    visited: set[str],
    here: Path,
) -> Path | Input | Skipped | None:
    """One directory entry: a folder to walk, an input, a skip, or nothing."""
    relative = f"{relative_folder}/{entry.name}" if relative_folder else entry.name
    is_dir = _is_dir(entry)
    if is_dir and entry.name in EXCLUDED_DIRS:
        return None
    if gitignore.ignored(ignores, relative, is_dir):
        return None

    path = Path(entry.path)
    inside = not entry.is_symlink() or _inside(os.path.realpath(path), root_real)
    if is_dir:
        return _folder(path, inside, visited)

    shown = display(path, here)
    kind = kind_for(shown, path)
    if kind is None:
        return None
    if not inside:
        return Skipped(shown, "symbolic link leads outside the scanned folder")
    return _known(shown, path, kind)


def _folder(path: Path, inside: bool, visited: set[str]) -> Path | None:
    real = os.path.realpath(path)
    if not inside:
        log.info("not following %s: it leads outside the scanned folder", path)
        return None
    if real in visited:
        log.info("not walking %s again: already walked as %s", path, real)
        return None
    visited.add(real)
    return path


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            return sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        log.warning("cannot list %s: %s", folder, error.strerror or error)
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _relative(real: str, top: Path) -> str:
    try:
        relative = Path(real).relative_to(top).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative


def _repository_top(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _ancestor_ignores(top: Path, root: Path) -> list[gitignore.IgnoreFile]:
    """The ignore files above the walked folder, up to the repository top:
    git applies them to everything below."""
    ignores = []
    exclude = gitignore.load(top / ".git" / "info" / "exclude", "")
    if exclude:
        ignores.append(exclude)
    folder = top
    for part in root.relative_to(top).parts:
        ignores = _with_local_ignore(folder, _relative(str(folder), top), ignores)
        folder = folder / part
    return ignores


def _with_local_ignore(
    folder: Path, relative: str, ignores: list[gitignore.IgnoreFile]
) -> list[gitignore.IgnoreFile]:
    local = folder / ".gitignore"
    if not local.is_file():
        return ignores
    loaded = gitignore.load(local, relative)
    return [*ignores, loaded] if loaded else ignores
