"""Drone and Woodpecker pipelines: every step and service is a container.

Each step and service becomes a `Workload` (image, `privileged`,
`environment`, `commands` through the shell source). Drone declares host
volumes once at the pipeline's top level (`volumes: - name: x, host:
{path: ...}`) and steps mount them by name; like a Kubernetes hostPath,
that is one written host path and one finding at it, naming every step
that mounts it. Woodpecker also takes `host:container` strings on steps.
Pipelines are multi-document streams; Woodpecker's older form keeps steps
in a `pipeline:` mapping of names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sockelint import truth, yamlnodes
from sockelint.document import Document
from sockelint.model import Facts, Mount, Word, Workload
from sockelint.sources import ci_common
from sockelint.sources.ci_common import Yaml
from sockelint.span import Span
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

# Drone and Woodpecker read YAML through go-yaml, where YAML 1.1 booleans hold.
_STEP_LISTS = ("steps", "pipeline", "services", "clone")


@dataclass(frozen=True, slots=True)
class _HostVolume:
    path: Word
    read_only: Span | None


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _pipeline)


def _pipeline(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    volumes = _host_volumes(yaml, yamlnodes.get(root, "volumes"))
    for section in _STEP_LISTS:
        origin = "service" if section == "services" else "step"
        for key, step in _steps(yamlnodes.get(root, section)):
            facts.workloads.append(_step(yaml, key, step, origin, volumes, facts))


def _steps(node: Node | None) -> list[tuple[Node, MappingNode]]:
    """Steps as a list of mappings with `name`, or a mapping of names."""
    if isinstance(node, SequenceNode):
        return [(s, s) for s in node.value if isinstance(s, MappingNode)]
    return [(k, v) for k, v in yamlnodes.items(node) if isinstance(v, MappingNode)]


def _host_volumes(yaml: Yaml, node: Node | None) -> dict[str, _HostVolume]:
    """`- name: sock` with `host: {path: /var/run/docker.sock}` (the
    malformed `host: /path` read as the path it means)."""
    found: dict[str, _HostVolume] = {}
    for volume in yamlnodes.sequence(node):
        name = yamlnodes.scalar(yamlnodes.get(volume, "name"))
        host = yamlnodes.get(volume, "host")
        path = yamlnodes.get(host, "path") if isinstance(host, MappingNode) else host
        if name and isinstance(path, ScalarNode) and not yamlnodes.is_null(path):
            read_only = _flag(yaml, yamlnodes.get(host, "read_only"))
            found[name] = _HostVolume(yaml.word(path), read_only)
    return found


def _flag(yaml: Yaml, node: Node | None) -> Span | None:
    if isinstance(node, ScalarNode) and truth.yaml_true(str(node.value)):
        return yamlnodes.span(node, yaml.path)
    return None


def _step(
    yaml: Yaml,
    key: Node,
    step: MappingNode,
    origin: str,
    volumes: dict[str, _HostVolume],
    facts: Facts,
) -> Workload:
    name_node = yamlnodes.get(step, "name") if key is step else key
    name = yamlnodes.scalar(name_node) or "step"
    declaration = yamlnodes.span(name_node or step, yaml.path)
    image = yamlnodes.get(step, "image")
    workload = Workload(
        name,
        declaration,
        f"{'Woodpecker' if 'woodpecker' in yaml.document.kind else 'Drone'} {origin}",
        image=yaml.word(image) if isinstance(image, ScalarNode) else None,
        privileged=_flag(yaml, yamlnodes.get(step, "privileged")),
        env=ci_common.environment(yaml, yamlnodes.get(step, "environment")),
        extent=yamlnodes.extent(step, yaml.path),
    )
    _mounts(yaml, workload, yamlnodes.get(step, "volumes"), volumes)

    variables = ci_common.variables_of(workload.env)
    for field in ("commands", "command", "entrypoint"):
        commands = ci_common.scripts(
            yaml, yamlnodes.get(step, field), runs_in=name, variables=variables
        )
        ci_common.add_commands(facts, commands, workload)
    return workload


def _mounts(
    yaml: Yaml, workload: Workload, node: Node | None, volumes: dict[str, _HostVolume]
) -> None:
    """Named mounts of the pipeline's volumes, and `host:container` strings."""
    strings: list[Word] = []
    for item in yamlnodes.sequence(node):
        if isinstance(item, ScalarNode):
            strings.append(yaml.word(item))
            continue
        name = yamlnodes.scalar(yamlnodes.get(item, "name")) or ""
        host = volumes.get(name)
        if host is None:
            continue
        target = yamlnodes.scalar(yamlnodes.get(item, "path"))
        workload.mounts.append(
            Mount(
                host.path,
                host.path.span,
                host.path.text,
                target,
                host.read_only,
                "hostPath",
            )
        )
    ci_common.apply_flags(workload, ci_common.flag_pairs("-v", strings))
