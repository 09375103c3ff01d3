"""Compose files: every service becomes a workload.

YAML is read as ruamel's node graph (sockelint.yamlnodes), never as plain
data, so every mount, variable and port keeps the span where it is written.
An anchor, a merge key or `extends` shares a written node between services;
the mount then has one span, and the rules report it once naming every
service that gets it. Variables are expanded as compose does: the `.env`
file beside the compose file first, then the default written in the
reference. Reference: https://github.com/compose-spec/compose-spec/blob/main/05-services.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sockelint import sockets, truth, yamlnodes
from sockelint.document import Document
from sockelint.model import (
    Command,
    EnvVar,
    Facts,
    Mount,
    Network,
    Port,
    Problem,
    Word,
    Workload,
)
from sockelint.sources import compose_syntax as syntax
from sockelint.span import Span
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

# Keys whose last value counts; every other key adds to what came before,
# so a key written twice (or inherited through `extends`) is read twice.
_LAST_WINS = {"image", "privileged", "network_mode", "command", "entrypoint"}


@dataclass(slots=True)
class _VolumeBind:
    """A top-level volume whose local driver bind-mounts a host path."""

    device: Word
    host_path: str
    shared_by: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Project:
    document: Document
    variables: dict[str, str]
    services: dict[str, Node] = field(default_factory=dict)
    volumes: dict[str, _VolumeBind] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.document.path

    def expand(self, text: str) -> str:
        return sockets.expand(syntax.without_required(text), self.variables)

    def word(self, node: Node) -> Word:
        raw = yamlnodes.scalar(node) or ""
        return Word(self.expand(raw), yamlnodes.span(node, self.path), raw)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    roots, problems = yamlnodes.documents(document.text, document.path)
    facts.problems += problems

    variables = syntax.DotEnv.beside(document.location).variables
    for root in roots:
        if isinstance(root, MappingNode):
            _read_project(_Project(document, variables), root, facts)
    return facts


def _read_project(project: _Project, root: Node, facts: Facts) -> None:
    project.volumes = _volume_binds(project, root)
    for network in _networks(project, root):
        facts.networks[network.name] = network

    services = _services(project, root, facts)
    project.services = {key.value: node for key, node in services}
    for key, node in services:
        workload = _workload(project, key, node)
        facts.workloads.append(workload)
        facts.commands += workload.commands


def _services(
    project: _Project, root: Node, facts: Facts
) -> list[tuple[ScalarNode, MappingNode]]:
    """Every service of every `services` key; what is not a mapping is skipped."""
    found: list[tuple[ScalarNode, MappingNode]] = []
    for name, services in yamlnodes.items(root):
        if name.value != "services":
            continue
        if isinstance(services, SequenceNode):
            span = yamlnodes.span(name, project.path)
            facts.problems.append(Problem(span, "`services` is a list, not a mapping"))
            continue
        for key, node in yamlnodes.items(services):
            if isinstance(node, MappingNode):
                found.append((key, node))
    return found


# Top level: volumes with bind options, networks.


def _volume_binds(project: _Project, root: Node) -> dict[str, _VolumeBind]:
    """`volumes: {name: {driver_opts: {o: bind, device: /var/run}}}`: the
    local driver mounts `device` from the host, a bind under another name."""
    binds: dict[str, _VolumeBind] = {}
    for volumes in yamlnodes.values(root, "volumes"):
        for key, definition in yamlnodes.items(volumes):
            options = yamlnodes.get(definition, "driver_opts")
            device = yamlnodes.get(options, "device")
            flags = project.expand(yamlnodes.scalar(yamlnodes.get(options, "o")) or "")
            if not isinstance(device, ScalarNode) or "bind" not in _flags(flags):
                continue
            word = project.word(device)
            binds[key.value] = _VolumeBind(word, sockets.normalise(word.text))
    return binds


def _flags(text: str) -> set[str]:
    return {flag.strip() for flag in text.split(",")}


def _networks(project: _Project, root: Node) -> list[Network]:
    found = []
    for networks in yamlnodes.values(root, "networks"):
        for key, definition in yamlnodes.items(networks):
            # An external network is defined elsewhere: whether it is
            # internal is not known here, so it is not recorded.
            if _is_true(project, yamlnodes.get(definition, "external")):
                continue
            internal = _is_true(project, yamlnodes.get(definition, "internal"))
            span = yamlnodes.span(key, project.path)
            found.append(Network(key.value, internal, span))
    return found


def _is_true(project: _Project, node: Node | None) -> bool:
    text = yamlnodes.scalar(node)
    return text is not None and truth.yaml_true(project.expand(text))


# Services.


def _workload(project: _Project, key: ScalarNode, node: MappingNode) -> Workload:
    name = str(key.value)
    workload = Workload(
        name,
        yamlnodes.span(key, project.path),
        "compose service",
        extent=_extent(project, key, node),
    )

    pairs = _effective(project, node, {name})
    last = {k.value: (k, v) for k, v, _ in pairs if k.value in _LAST_WINS}
    if "image" in last:
        workload.image = project.word(last["image"][1])
    if "privileged" in last and _is_true(project, last["privileged"][1]):
        workload.privileged = _pair_span(project, *last["privileged"])
    if "network_mode" in last:
        workload.network_mode = project.word(last["network_mode"][1])
    workload.commands += _container_commands(project, last, name)
    workload.entrypoint_replaced = "entrypoint" in last

    workload.mounts = _mounts(project, name, pairs)
    for key_node, value, _ in pairs:
        _read_entry(project, workload, key_node, value)
    return workload


def _extent(project: _Project, key: ScalarNode, node: Node) -> Span:
    """The key through its mapping; an alias written elsewhere gives the key."""
    key_span = yamlnodes.span(key, project.path)
    value_span = yamlnodes.extent(node, project.path)
    if value_span < key_span:
        return key_span
    return key_span.cover(value_span)


def _effective(
    project: _Project, node: Node, trail: set[str]
) -> list[tuple[ScalarNode, Node, bool]]:
    """The service's keys, after those it inherits through `extends` from a
    service of this file (flagged True). `extends` naming another file is
    not followed."""
    own = [(k, v, False) for k, v in yamlnodes.items(node)]
    base = _extended(yamlnodes.get(node, "extends"))
    if base is None or base in trail or base not in project.services:
        return own

    inherited = _effective(project, project.services[base], trail | {base})
    kept = [(k, v, True) for k, v, _ in inherited if k.value != "extends"]
    return kept + own


def _extended(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode):
        return str(node.value) or None
    if yamlnodes.get(node, "file") is not None:
        return None
    return yamlnodes.scalar(yamlnodes.get(node, "service"))


def _read_entry(
    project: _Project, workload: Workload, key: ScalarNode, value: Node
) -> None:
    name = key.value
    if name == "environment":
        workload.env += _environment(project, value)
    elif name == "group_add":
        workload.groups += [project.word(item) for item in _scalars(value)]
    elif name == "ports":
        workload.ports += _ports(project, value)
    elif name == "networks":
        workload.networks += _network_names(project, value)
    elif name == "labels":
        workload.labels.update(_labels(project, value))


def _mounts(
    project: _Project, workload: str, pairs: list[tuple[ScalarNode, Node, bool]]
) -> list[Mount]:
    """Every `volumes` entry; compose merges those inherited through
    `extends` by target, so the service's own entry wins over the base's."""
    own: list[Mount] = []
    inherited: list[Mount] = []
    for key, value, from_base in pairs:
        if key.value != "volumes":
            continue
        for item in yamlnodes.sequence(value):
            mount = _mount(project, item, workload)
            if mount is not None:
                (inherited if from_base else own).append(mount)

    targets = {mount.target for mount in own if mount.target}
    return [m for m in inherited if m.target not in targets] + own


def _scalars(node: Node | None) -> list[ScalarNode]:
    return [item for item in yamlnodes.sequence(node) if isinstance(item, ScalarNode)]


def _pair_span(project: _Project, key: Node, value: Node) -> Span:
    key_span = yamlnodes.span(key, project.path)
    if yamlnodes.is_null(value):
        return key_span
    return key_span.cover(yamlnodes.span(value, project.path))


# Volumes.


def _mount(project: _Project, item: Node, workload: str) -> Mount | None:
    if isinstance(item, ScalarNode):
        return _short_mount(project, item, workload)
    if isinstance(item, MappingNode):
        return _long_mount(project, item, workload)
    return None


def _short_mount(project: _Project, node: ScalarNode, workload: str) -> Mount | None:
    """`host:container[:options]`, `volume:container`, or a lone container
    path (an anonymous volume, nothing from the host)."""
    raw = str(node.value)
    spec = syntax.split_volume(project.expand(raw))
    if spec is None:
        return None
    entry = yamlnodes.span(node, project.path)
    target = spec.target.text
    if spec.source is None:
        word = Word(target, entry, raw)
        return Mount(word, entry, None, target, kind="volume")

    read_only = None
    if spec.read_only is not None:
        read_only = _read_only_span(project, node, raw) or entry
    source = spec.source.text
    if spec.is_path:
        word = Word(source, entry, raw)
        host_path = sockets.normalise(source)
        return Mount(word, entry, host_path, target, read_only, "bind")
    return _named_mount(project, source, entry, target, read_only, workload)


def _read_only_span(project: _Project, node: ScalarNode, raw: str) -> Span | None:
    """Where `:ro` is written in the entry; None when only interpolation
    makes the entry read-only."""
    spec = syntax.split_volume(raw)
    if spec is None or spec.read_only is None:
        return None
    return _piece_span(project, node, spec.read_only)


def _piece_span(project: _Project, node: ScalarNode, piece: syntax.Piece) -> Span:
    """Where a piece of a scalar's value is written, however the scalar is
    written (quoted with escapes, over several lines)."""
    excerpt = yamlnodes.excerpt(node, project.path)
    value = str(node.value)
    return excerpt.span(_row_column(value, piece.start), _row_column(value, piece.end))


def _row_column(text: str, offset: int) -> tuple[int, int]:
    row_start = text.rfind("\n", 0, offset) + 1
    return (text.count("\n", 0, offset), offset - row_start)


def _long_mount(project: _Project, node: MappingNode, workload: str) -> Mount | None:
    """`type`, `source`, `target`, `read_only`. A `source` without `type` is
    invalid for compose; an absolute path there is still taken as a bind,
    since that is what its author meant."""
    kind = project.expand(yamlnodes.scalar(yamlnodes.get(node, "type")) or "")
    source_node = yamlnodes.get(node, "source")
    target = yamlnodes.scalar(yamlnodes.get(node, "target"))
    read_only = None
    for key, value in yamlnodes.items(node):
        if key.value == "read_only" and _is_true(project, value):
            read_only = _pair_span(project, key, value)
    if not isinstance(source_node, ScalarNode) or not source_node.value:
        return None

    source = project.word(source_node)
    if kind in ("bind", "npipe") or (not kind and syntax.is_host_path(source.text)):
        host_path = sockets.normalise(source.text)
        return Mount(source, source.span, host_path, target, read_only, "bind")
    if kind in ("", "volume"):
        return _named_mount(
            project, source.text, source.span, target, read_only, workload
        )
    return None


def _named_mount(
    project: _Project,
    name: str,
    span: Span,
    target: str | None,
    read_only: Span | None,
    workload: str,
) -> Mount:
    """A named volume: nothing from the host unless the top-level volume
    binds a host path, and then the finding belongs at its `device`."""
    bind = project.volumes.get(name)
    if bind is None:
        return Mount(Word(name, span, name), span, None, target, read_only, "volume")
    if workload not in bind.shared_by:
        bind.shared_by.append(workload)
    return Mount(
        bind.device,
        bind.device.span,
        bind.host_path,
        target,
        read_only,
        "volume-bind",
        bind.shared_by,
    )


# Environment, ports, networks, labels.


def _environment(project: _Project, node: Node) -> list[EnvVar]:
    if isinstance(node, MappingNode):
        return [_env_pair(project, key, value) for key, value in yamlnodes.items(node)]
    found = []
    for item in _scalars(node):
        entry = syntax.split_env(str(item.value))
        if entry is None:
            continue
        span = yamlnodes.span(item, project.path)
        if entry.value is None:
            found.append(EnvVar(entry.name, None, span))
            continue
        value_span = _piece_span(project, item, entry.value)
        value = project.expand(entry.value.text)
        found.append(EnvVar(entry.name, value, span, value_span))
    return found


def _env_pair(project: _Project, key: ScalarNode, value: Node) -> EnvVar:
    span = _pair_span(project, key, value)
    if yamlnodes.is_null(value) or not isinstance(value, ScalarNode):
        return EnvVar(str(key.value), None, span)
    word = project.word(value)
    return EnvVar(str(key.value), word.text, span, word.span)


def _ports(project: _Project, node: Node) -> list[Port]:
    found = []
    for item in yamlnodes.sequence(node):
        span = yamlnodes.span(item, project.path)
        if isinstance(item, ScalarNode):
            spec = syntax.split_port(project.expand(str(item.value)))
            if spec is None:
                continue
            host = spec.host.text if spec.host else None
            host_ip = spec.host_ip.text if spec.host_ip else None
            found.append(Port(spec.container.text, host, host_ip, span))
        elif isinstance(item, MappingNode):
            found += _long_port(project, item, span)
    return found


def _long_port(project: _Project, node: MappingNode, span: Span) -> list[Port]:
    target = yamlnodes.scalar(yamlnodes.get(node, "target"))
    if target is None:
        return []
    published_node = yamlnodes.get(node, "published")
    published = yamlnodes.scalar(published_node)
    host_ip = yamlnodes.scalar(yamlnodes.get(node, "host_ip"))
    if published_node is not None and published:
        span = yamlnodes.span(published_node, project.path)
    return [
        Port(
            project.expand(target),
            project.expand(published) if published else None,
            project.expand(host_ip) if host_ip else None,
            span,
        )
    ]


def _network_names(project: _Project, node: Node) -> list[Word]:
    if isinstance(node, MappingNode):
        return [project.word(key) for key, _ in yamlnodes.items(node)]
    return [project.word(item) for item in _scalars(node)]


def _labels(project: _Project, node: Node) -> dict[str, str]:
    labels: dict[str, str] = {}
    if isinstance(node, MappingNode):
        for key, value in yamlnodes.items(node):
            labels[str(key.value)] = project.expand(yamlnodes.scalar(value) or "")
        return labels
    for item in _scalars(node):
        name, _, written = str(item.value).partition("=")
        labels[name.strip()] = project.expand(written)
    return labels


# Commands.


def _container_commands(
    project: _Project, last: dict[str, tuple[ScalarNode, Node]], workload: str
) -> list[Command]:
    """What the container runs. Compose appends `command` to `entrypoint`,
    so two lists are one argv (`entrypoint: [sh, -c]` with `command:
    [script]` runs the script); other spellings are read one by one."""
    entrypoint = last["entrypoint"][1] if "entrypoint" in last else None
    command = last["command"][1] if "command" in last else None
    if isinstance(entrypoint, SequenceNode) and isinstance(command, SequenceNode):
        from sockelint.sources import shell

        words = [
            _argv_word(project, item)
            for node in (entrypoint, command)
            for item in _scalars(node)
        ]
        return list(shell.commands_from_argv(words, runs_in=workload)) if words else []

    commands: list[Command] = []
    for node in (entrypoint, command):
        if node is not None:
            commands += _commands(project, node, workload)
    return commands


def _commands(project: _Project, node: Node, workload: str) -> list[Command]:
    """`command`/`entrypoint` as a list (argv) or a string (shell words)."""
    from sockelint.sources import shell

    if isinstance(node, SequenceNode):
        words = [_argv_word(project, item) for item in _scalars(node)]
        return list(shell.commands_from_argv(words, runs_in=workload)) if words else []
    if isinstance(node, ScalarNode) and str(node.value).strip():
        # Compose splits a string into words without a shell; a string the
        # shell grammar cannot read is therefore no problem of the file.
        commands, _ = shell.parse_excerpt(
            yamlnodes.excerpt(node, project.path), runs_in=workload
        )
        return commands
    return []


def _argv_word(project: _Project, node: ScalarNode) -> Word:
    """An item of a list `command`, interpolated as compose does; a script
    item (`sh -c "..."`) keeps the way back to the file while unchanged."""
    return yamlnodes.script_word(node, project.path, project.expand(str(node.value)))
