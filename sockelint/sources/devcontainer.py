"""Dev containers: `devcontainer.json` and `.devcontainer.json`.

The file is JSON with comments and trailing commas. The container it
describes becomes one `Workload` (origin "devcontainer"). Its `mounts`
(strings in `--mount` syntax and `{source, target, type}` objects),
`workspaceMount`, `runArgs`, `privileged` and `containerEnv`/`remoteEnv`
are what `docker run` would be given, so they are read by the `docker run`
parser of sockelint.dockercli, with every word keeping the span of the JSON
value it came from.

Features add to that container without any `mounts` entry: the
docker-outside-of-docker feature (formerly docker-from-docker) bind-mounts
the host's engine socket, and docker-in-docker runs a privileged engine.
Both are recorded at the feature's key. A `dockerComposeFile` devcontainer
names a compose service; the compose file is scanned on its own, and the
features and mounts written here still apply to that service.
Reference: https://containers.dev/implementors/json_reference/
"""

from __future__ import annotations

import re

from sockelint import dockercli, jsonspans
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Command, Facts, Mount, Word, Workload
from sockelint.span import Span

ORIGIN = "devcontainer"
# The feature's own mount (install script of docker-outside-of-docker).
_HOST_SOCKET = "type=bind,source=/var/run/docker.sock,target=/var/run/docker-host.sock"
_OUTSIDE = frozenset({"docker-outside-of-docker", "docker-from-docker"})
_INSIDE = frozenset({"docker-in-docker"})
# `${localEnv:HOME}`, `${env:HOME}`, `${localEnv:NAME:default}`: written as
# the shell spelling that sockets.expand understands.
_LOCAL_ENV = re.compile(r"\$\{(?:localEnv|env):(\w+)(?::([^}]*))?\}")
# Keys whose commands run inside the container; initializeCommand runs on
# the host before it is created.
# `raw` of a word whose text is not written as such in the file (a JSON
# string with escapes, an object turned into `--mount` syntax): dockercli
# then points at the whole value instead of placing parts of it.
_NOT_AS_WRITTEN = "\0"
_CONTAINER_COMMANDS = (
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind or "devcontainer")
    excerpt = Excerpt.whole(document.path, document.text)
    try:
        root = jsonspans.parse(document.text, excerpt, trailing_commas=True)
    except jsonspans.JsonError as error:
        facts.problems.append(error.problem)
        return facts
    if root.kind != "object":
        return facts

    workload = _workload(document, root, facts)
    facts.workloads.append(workload)
    _commands(root, workload, facts)
    return facts


# --------------------------------------------------------------------------
# The container, as `docker run` would be told about it


def _workload(document: Document, root: jsonspans.Node, facts: Facts) -> Workload:
    """Run the synthetic `docker run` through dockercli, then take the
    workload it describes as the dev container."""
    start = Span(document.path, root.span.line, root.span.column,
                 root.span.line, root.span.column + 1)  # fmt: skip
    image = root.get("image")
    image_word = image.word() if image is not None and image.text else None
    name = _name(root)

    feature_args, runs_engine = _features(root)
    arguments = [
        *_mount_args(root),
        *_run_args(root),
        *_privileged_args(root),
        *_env_args(root),
        *feature_args,
    ]
    placeholder = Word(name, start, name)
    words = [Word("docker", start), Word("run", start), *arguments]
    words.append(image_word or placeholder)
    command = Command(words, root.span)

    found = Facts(document.path, ORIGIN)
    dockercli.interpret(command, found)
    workload = found.workloads[0] if found.workloads else Workload(name, start, ORIGIN)

    workload.name = name
    workload.origin = ORIGIN
    workload.span = _declaration(root, document)
    workload.extent = root.span
    workload.image = image_word
    for mount in workload.mounts:
        if mount.host_path is not None:  # named volumes stay volumes
            mount.kind = ORIGIN
    workload.mounts = _once(workload.mounts, feature_args)
    if runs_engine is not None:
        workload.commands.append(Command([Word("dockerd", runs_engine)], runs_engine))

    facts.clients += found.clients
    facts.daemons += found.daemons
    facts.commands += [c for c in found.commands if c is not command]
    return workload


def _name(root: jsonspans.Node) -> str:
    for key in ("service", "name"):
        node = root.get(key)
        if node is not None and node.text:
            return node.text
    return ORIGIN


def _declaration(root: jsonspans.Node, document: Document) -> Span:
    for member in root.members:
        if member.key in ("name", "service"):
            return member.key_span
    return document.whole()


def _raw(node: jsonspans.Node) -> str:
    """The string as written, in its quotes, when nothing in it is escaped:
    dockercli then places parts of it (`:ro`, the source) exactly."""
    text = node.text or ""
    span = node.span
    if span.line == span.end_line and span.end_column - span.column == len(text) + 2:
        return f'"{text}"'
    return ""


def _string_word(node: jsonspans.Node) -> Word:
    text = node.text or ""
    expanded = _LOCAL_ENV.sub(_shell_variable, text)
    raw = _raw(node) if expanded == text else ""
    return Word(expanded, node.span, raw or _NOT_AS_WRITTEN)


def _shell_variable(match: re.Match[str]) -> str:
    name, default = match.group(1), match.group(2)
    return f"${{{name}:-{default}}}" if default is not None else f"${{{name}}}"


def _mount_args(root: jsonspans.Node) -> list[Word]:
    entries: list[jsonspans.Node] = []
    mounts = root.get("mounts")
    if mounts is not None and mounts.kind == "array":
        entries += mounts.items
    workspace = root.get("workspaceMount")
    if workspace is not None:
        entries.append(workspace)

    words: list[Word] = []
    for entry in entries:
        value = _mount_value(entry)
        if value is not None:
            words += [Word("--mount", entry.span, "--mount"), value]
    return words


def _mount_value(entry: jsonspans.Node) -> Word | None:
    if entry.kind == "string" and entry.text:
        return _string_word(entry)
    if entry.kind != "object":
        return None
    fields = []
    for member in entry.members:
        value = member.value.value
        if isinstance(value, bool):
            value = str(value).lower()
        if isinstance(value, str | int | float):
            fields.append(f"{member.key}={_LOCAL_ENV.sub(_shell_variable, str(value))}")
    # Written as an object, so no part of the text can be placed on its own.
    return Word(",".join(fields), entry.span, _NOT_AS_WRITTEN) if fields else None


def _run_args(root: jsonspans.Node) -> list[Word]:
    node = root.get("runArgs")
    if node is None or node.kind != "array":
        return []
    return [_string_word(item) for item in node.items if item.kind == "string"]


def _privileged_args(root: jsonspans.Node) -> list[Word]:
    node = root.get("privileged")
    if node is None or node.value is not True:
        return []
    return [Word("--privileged", node.span, "--privileged")]


def _env_args(root: jsonspans.Node) -> list[Word]:
    words: list[Word] = []
    for key in ("containerEnv", "remoteEnv"):
        node = root.get(key)
        if node is None or node.kind != "object":
            continue
        for member in node.members:
            value = member.value
            if value.kind != "string":
                continue
            span = member.key_span.cover(value.span)
            text = f"{member.key}={value.text}"
            words += [Word("-e", span, "-e"), Word(text, span, _NOT_AS_WRITTEN)]
    return words


def _once(mounts: list[Mount], feature_args: list[Word]) -> list[Mount]:
    """The feature's socket bind written again in `mounts` is the same
    bind: keep the one at the feature's key, which is what must change (the
    feature binds the socket whatever `mounts` says)."""
    feature_spans = {word.span for word in feature_args}
    implied = {
        (m.host_path, m.target) for m in mounts if m.source.span in feature_spans
    }
    return [
        m
        for m in mounts
        if m.source.span in feature_spans or (m.host_path, m.target) not in implied
    ]


def _features(root: jsonspans.Node) -> tuple[list[Word], Span | None]:
    """What the engine features add: the host socket mount of
    docker-outside-of-docker, the privileged engine of docker-in-docker
    (the span of its key, when present)."""
    node = root.get("features")
    if node is None or node.kind != "object":
        return [], None
    words: list[Word] = []
    engine: Span | None = None
    for member in node.members:
        if member.value.value is False:
            continue  # a feature switched off
        feature = _feature_name(member.key)
        span = member.key_span
        if feature in _OUTSIDE:
            socket = Word(_HOST_SOCKET, span, _NOT_AS_WRITTEN)
            words += [Word("--mount", span, "--mount"), socket]
        elif feature in _INSIDE:
            words.append(Word("--privileged", span, "--privileged"))
            engine = engine or span
    return words, engine


def _feature_name(key: str) -> str:
    """`ghcr.io/devcontainers/features/docker-outside-of-docker:1` and the
    short ids of older configs (`docker-from-docker`) by their last part."""
    last = key.rstrip("/").rsplit("/", 1)[-1]
    return re.split(r"[:@]", last, maxsplit=1)[0].lower()


# --------------------------------------------------------------------------
# Lifecycle commands


def _commands(root: jsonspans.Node, workload: Workload, facts: Facts) -> None:
    """`initializeCommand` runs on the host, the other lifecycle commands in
    the container; each is a shell string, an argv array or an object of
    either."""
    for key in ("initializeCommand", *_CONTAINER_COMMANDS):
        node = root.get(key)
        if node is None:
            continue
        runs_in = "host" if key == "initializeCommand" else workload.name
        values = [m.value for m in node.members] if node.kind == "object" else [node]
        for value in values:
            commands = _lifecycle(value, runs_in)
            facts.commands += commands
            if runs_in != "host":
                workload.commands += commands


def _lifecycle(node: jsonspans.Node, runs_in: str) -> list[Command]:
    from sockelint.sources import shell

    if node.kind == "array":
        argv = [_string_word(i) for i in node.items if i.kind == "string"]
        return shell.commands_from_argv(argv, runs_in=runs_in) if argv else []
    if node.kind != "string" or not node.text:
        return []
    span = node.span
    excerpt = Excerpt.at(span.path, node.text, span.line, span.column + 1)
    commands, _ = shell.parse_excerpt(excerpt, runs_in=runs_in)
    return commands
