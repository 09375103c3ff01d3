"""`docker inspect` output: the runtime check, statically.

A JSON array of container objects. Each becomes a workload: its name, image,
mounts (`HostConfig.Binds` as the user wrote them, then any other bind from
`Mounts`), privileged flag, environment, published ports, groups, networks
and the command it runs. Spans point at the value strings.
"""

from __future__ import annotations

from sockelint import jsonspans, sockets
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.jsonspans import Node
from sockelint.model import (
    Command,
    EnvVar,
    Facts,
    Mount,
    Port,
    Word,
    Workload,
)
from sockelint.span import Span


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    try:
        root = jsonspans.parse(
            document.text, Excerpt.whole(document.path, document.text)
        )
    except jsonspans.JsonError as error:
        facts.problems.append(error.problem)
        return facts

    containers = root.items if root.kind == "array" else [root]
    for index, container in enumerate(containers):
        if container.kind != "object":
            continue
        workload = _workload(container, index)
        facts.workloads.append(workload)
        facts.commands += workload.commands
    return facts


def _workload(container: Node, index: int) -> Workload:
    config = _object(container, "Config")
    host = _object(container, "HostConfig")
    name_node = container.get("Name")
    name = (name_node.text or "").lstrip("/") if name_node else ""
    workload = Workload(
        name or f"container {index + 1}",
        name_node.span if name_node else container.span,
        "docker inspect",
        extent=container.span,
    )

    image = config.get("Image") if config else None
    if image is not None and image.text:
        workload.image = image.word()
    if host is not None:
        privileged = host.get("Privileged")
        if privileged is not None and privileged.value is True:
            workload.privileged = privileged.span
        workload.groups += _strings(host.get("GroupAdd"))
        workload.ports += _ports(host.get("PortBindings"))
        mode = host.get("NetworkMode")
        if mode is not None and mode.text:
            workload.network_mode = mode.word()

    workload.mounts += _binds(host.get("Binds") if host else None)
    workload.mounts += _other_mounts(container.get("Mounts"), workload.mounts)
    if config is not None:
        workload.env += _env(config.get("Env"))
        workload.labels.update(_labels(config.get("Labels")))
        workload.commands += _command(config, workload.name)
    workload.networks += _networks(container)
    if not workload.networks and workload.network_mode is not None:
        # Trimmed output without `NetworkSettings.Networks`: a user network
        # named in `NetworkMode` is still where the container sits.
        named = workload.network_mode.text
        if named not in ("host", "bridge", "default", "none") and ":" not in named:
            workload.networks.append(workload.network_mode)
    return workload


def _object(node: Node, key: str) -> Node | None:
    value = node.get(key)
    return value if value is not None and value.kind == "object" else None


def _strings(node: Node | None) -> list[Word]:
    if node is None or node.kind != "array":
        return []
    return [item.word() for item in node.items if item.kind == "string"]


def _binds(node: Node | None) -> list[Mount]:
    """`src:dst[:options]` as given to `-v`."""
    mounts: list[Mount] = []
    for word in _strings(node):
        parts = word.text.split(":")
        if len(parts) < 2:
            continue
        source, target = parts[0], parts[1]
        options = parts[2].split(",") if len(parts) > 2 else []
        named = not source.startswith(("/", "~", ".", "\\")) and "/" not in source
        mounts.append(
            Mount(
                Word(source, word.span, source),
                word.span,
                None if named else sockets.normalise(source),
                target,
                word.span if "ro" in options else None,
                "bind",
            )
        )
    return mounts


def _other_mounts(node: Node | None, known: list[Mount]) -> list[Mount]:
    """Binds from `Mounts` that `Binds` did not list (`--mount` ones)."""
    if node is None or node.kind != "array":
        return []
    seen = {(m.host_path, m.target) for m in known}
    mounts: list[Mount] = []
    for item in node.items:
        if item.kind != "object":
            continue
        kind, source = item.get("Type"), item.get("Source")
        if kind is None or kind.text != "bind" or source is None or not source.text:
            continue
        target_node = item.get("Destination")
        target = target_node.text if target_node else None
        host_path = sockets.normalise(source.text)
        if (host_path, target) in seen:
            continue
        rw = item.get("RW")
        read_only = rw.span if rw is not None and rw.value is False else None
        mounts.append(
            Mount(source.word(), source.span, host_path, target, read_only, "bind")
        )
    return mounts


def _env(node: Node | None) -> list[EnvVar]:
    env: list[EnvVar] = []
    for word in _strings(node):
        name, _, value = word.text.partition("=")
        span = word.span
        value_span = Span(
            span.path,
            span.line,
            span.column + len(name) + 2,
            span.line,
            span.end_column - 1,
        )
        env.append(EnvVar(name, value, span, value_span))
    return env


def _labels(node: Node | None) -> dict[str, str]:
    if node is None or node.kind != "object":
        return {}
    return {m.key: m.value.text or "" for m in node.members if m.value.text is not None}


def _ports(node: Node | None) -> list[Port]:
    """`{"2375/tcp": [{"HostIp": "", "HostPort": "2375"}]}`."""
    if node is None or node.kind != "object":
        return []
    ports: list[Port] = []
    for member in node.members:
        container_port = member.key.split("/", 1)[0]
        bindings = member.value.items if member.value.kind == "array" else []
        for binding in bindings:
            if binding.kind != "object":
                continue
            host_port = binding.get("HostPort")
            host_ip = binding.get("HostIp")
            ports.append(
                Port(
                    container_port,
                    (host_port.text or None) if host_port else None,
                    (host_ip.text or None) if host_ip else None,
                    binding.span if host_port is None else host_port.span,
                )
            )
    return ports


def _command(config: Node, name: str) -> list[Command]:
    """Entrypoint and Cmd as one command, as the container runs them."""
    words = _strings(config.get("Entrypoint")) + _strings(config.get("Cmd"))
    if not words:
        return []
    span = words[0].span
    for word in words[1:]:
        span = span.cover(word.span)
    return [Command(words, span, runs_in=name)]


def _networks(container: Node) -> list[Word]:
    settings = _object(container, "NetworkSettings")
    networks = _object(settings, "Networks") if settings else None
    if networks is None:
        return []
    return [Word(m.key, m.key_span, m.key) for m in networks.members]
