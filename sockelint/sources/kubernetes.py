"""Kubernetes manifests: every pod template of every document in a stream.

A pod template sits in a different place for each kind of object (`spec` of
a Pod, `spec.template.spec` of a Deployment, deeper in a CronJob); unknown
kinds that carry `spec.template.spec` (Argo Rollouts, OpenShift
DeploymentConfigs) are read the same way. Argo Workflows and Tekton Tasks
keep their containers elsewhere (`spec.templates[].container`,
`spec.steps`) beside pod-level `spec.volumes`; they are read as one pod
each. A Tekton task spec may also be embedded (a TaskRun's `taskSpec`, a
Pipeline's or PipelineRun's `tasks[].taskSpec`); its `stepTemplate` is
merged into every step, and a step's or sidecar's `script` is a shell
script unless its shebang names another interpreter. Each container becomes a
`Workload`. A hostPath volume is declared once and mounted by name: every
container that mounts it gets a `Mount` with the span of the one written
path, so the path gives one finding naming all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sockelint import sockets, truth, yamlnodes
from sockelint.document import Document
from sockelint.model import (
    Command,
    EnvVar,
    Facts,
    Mount,
    Port,
    Problem,
    Word,
    Workload,
)
from sockelint.span import Span
from sockelint.yamlnodes import MappingNode, Node, ScalarNode

# Where the pod spec sits, by kind; other kinds are tried on every path.
_POD_SPEC: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_ANY_KIND = (
    ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template", "spec"),
    ("template", "spec"),
)
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
# Workflow engines: (apiVersion group, kind) -> where the pod-level spec
# (with `volumes`) sits.
_WORKFLOW_SPEC: dict[tuple[str, str], tuple[str, ...]] = {
    ("argoproj.io", "Workflow"): ("spec",),
    ("argoproj.io", "WorkflowTemplate"): ("spec",),
    ("argoproj.io", "ClusterWorkflowTemplate"): ("spec",),
    ("argoproj.io", "CronWorkflow"): ("spec", "workflowSpec"),
}
# Tekton: kind -> where its task specs sit; `*` is each item of a list.
_TEKTON_TASK_SPECS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Task": (("spec",),),
    "ClusterTask": (("spec",),),
    "TaskRun": (("spec", "taskSpec"),),
    "Pipeline": (
        ("spec", "tasks", "*", "taskSpec"),
        ("spec", "finally", "*", "taskSpec"),
    ),
    "PipelineRun": (
        ("spec", "pipelineSpec", "tasks", "*", "taskSpec"),
        ("spec", "pipelineSpec", "finally", "*", "taskSpec"),
    ),
}
# Inside an Argo template: single containers and lists of them.
_ARGO_CONTAINER = ("container", "script")
_ARGO_CONTAINER_LISTS = ("initContainers", "sidecars")
# A Tekton script without a shebang runs under `sh`; one naming another
# interpreter (`#!/usr/bin/env python`) is not shell.
_SHEBANG = re.compile(r"#!")
_SHELL_SHEBANG = re.compile(r"#!\s*\S*(?:/|env\s+(?:-\S+\s+)*)(?:a|ba|da|k|z)?sh\b")
# Kubernetes reads YAML through go-yaml v2, where YAML 1.1 booleans hold.
_ACTION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
# `List` and typed lists (`DeploymentList`) nest no deeper than this.
_MAX_LIST_DEPTH = 20


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    templated = "{{" in document.text
    nodes, problems = yamlnodes.documents(
        document.text, document.path, duplicates=not templated
    )

    # A chart template kept outside `templates/` reads as Kubernetes but is
    # not YAML until rendered: read it the tolerant way instead.
    if problems and templated:
        from sockelint.sources import helm

        return helm.parse(document)

    facts.problems += problems
    read_nodes(nodes, facts)
    return facts


# How a scalar reads in a message: its value, or for a masked template the
# text as written (`{{ .Values.name }}-agent`), which the reader recognises.
TextOf = Callable[[ScalarNode], str]


def read_nodes(nodes: list[Node], facts: Facts, text_of: TextOf | None = None) -> None:
    """Add the workloads of every pod template in these documents."""
    reader = _Reader(facts, text_of or _value)
    seen: set[int] = set()
    for root in nodes:
        for name, spec in _pod_specs(root, seen, 0, reader):
            _read_pod(name, spec, reader)
        _workflow(root, reader)
        _kind_nodes(root, reader)


def _workflow(root: Node, reader: _Reader) -> None:
    """An Argo Workflow: its containers share the volumes of its spec,
    like the containers of a pod."""
    api = yamlnodes.scalar(yamlnodes.get(root, "apiVersion")) or ""
    kind = yamlnodes.scalar(yamlnodes.get(root, "kind")) or ""
    if api.startswith("tekton.dev/"):
        _tekton(root, kind, reader)
        return
    path = _WORKFLOW_SPEC.get((api.split("/", 1)[0], kind))
    spec = _walk(root, path) if path else None
    if not isinstance(spec, MappingNode):
        return

    facts = reader.facts
    containers: list[MappingNode] = []
    for template in _list_of(spec, "templates", facts):
        for key in _ARGO_CONTAINER:
            single = yamlnodes.get(template, key)
            if isinstance(single, MappingNode):
                containers.append(single)
        for key in _ARGO_CONTAINER_LISTS:
            containers += _list_of(template, key, facts)
        container_set = yamlnodes.get(template, "containerSet")
        if isinstance(container_set, MappingNode):
            containers += _list_of(container_set, "containers", facts)
    _read_pod(_object_name(root, kind, reader), spec, reader, containers)


def _tekton(root: Node, kind: str, reader: _Reader) -> None:
    """Each task spec of a Tekton object, read as one pod: its steps and
    sidecars share the spec's `volumes`."""
    name = _object_name(root, kind, reader)
    for task, spec in _tekton_task_specs(root, kind):
        task_name = reader.text(yamlnodes.get(task, "name")) if task else None
        pod = f"{name}/{task_name}" if task_name else name
        facts = reader.facts
        template = yamlnodes.get(spec, "stepTemplate")
        containers: list[_Container] = [
            _Container(step, template if isinstance(template, MappingNode) else None)
            for step in _list_of(spec, "steps", facts)
        ]
        containers += [_Container(c) for c in _list_of(spec, "sidecars", facts)]
        _read_pod(pod, spec, reader, containers, scripted=True)


def _tekton_task_specs(
    root: Node, kind: str
) -> Iterator[tuple[MappingNode | None, MappingNode]]:
    """(pipeline task or None, task spec) for every task spec written in
    the object; a task given by `taskRef` has none here."""
    for path in _TEKTON_TASK_SPECS.get(kind, ()):
        if "*" not in path:
            spec = _walk(root, path)
            if isinstance(spec, MappingNode):
                yield None, spec
            continue
        star = path.index("*")
        for task in yamlnodes.sequence(_walk(root, path[:star])):
            spec = _walk(task, path[star + 1 :])
            if isinstance(task, MappingNode) and isinstance(spec, MappingNode):
                yield task, spec


def _kind_nodes(root: Node, reader: _Reader) -> None:
    """A kind `Cluster` config: each node is a container that `kind` starts
    with the node's `extraMounts` bound in, like `docker run -v`. A socket
    there reaches the node and every pod that mounts it from the node."""
    api = yamlnodes.scalar(yamlnodes.get(root, "apiVersion")) or ""
    kind = yamlnodes.scalar(yamlnodes.get(root, "kind"))
    if kind != "Cluster" or not api.startswith("kind.x-k8s.io/"):
        return

    for node in yamlnodes.sequence(yamlnodes.get(root, "nodes")):
        role = reader.text(yamlnodes.get(node, "role")) or "node"
        workload = Workload(
            name=f"kind {role} node",
            span=yamlnodes.span(node, reader.path),
            origin="kind cluster node",
            on_container_network=False,
        )
        for entry in yamlnodes.sequence(yamlnodes.get(node, "extraMounts")):
            host = yamlnodes.get(entry, "hostPath")
            if not isinstance(host, ScalarNode):
                continue
            source = reader.word(host)
            read_only = _pair(entry, "readOnly", reader.path)
            workload.mounts.append(
                Mount(
                    source=source,
                    span=source.span,
                    host_path=_host_path(source.text),
                    target=reader.text(yamlnodes.get(entry, "containerPath")),
                    read_only=read_only[1]
                    if read_only and truth.yaml_true(read_only[0])
                    else None,
                )
            )
        if workload.mounts:
            reader.facts.workloads.append(workload)


@dataclass(frozen=True, slots=True)
class _Reader:
    facts: Facts
    text_of: TextOf

    @property
    def path(self) -> str:
        return self.facts.path

    def text(self, node: Node | None) -> str | None:
        return self.text_of(node) if isinstance(node, ScalarNode) else None

    def word(self, node: ScalarNode) -> Word:
        text = self.text_of(node)
        return Word(text, yamlnodes.span(node, self.path), text)


def _value(node: ScalarNode) -> str:
    return str(node.value)


def _pod_specs(
    node: Node, seen: set[int], depth: int, reader: _Reader
) -> Iterator[tuple[str, Node]]:
    """Each (object name, pod spec) in an object, or in the items of a list."""
    if id(node) in seen or not isinstance(node, MappingNode):
        return
    seen.add(id(node))
    kind = yamlnodes.scalar(yamlnodes.get(node, "kind")) or ""

    if kind.endswith("List") and depth < _MAX_LIST_DEPTH:
        for item in yamlnodes.sequence(yamlnodes.get(node, "items")):
            yield from _pod_specs(item, seen, depth + 1, reader)
        return

    paths = (_POD_SPEC[kind],) if kind in _POD_SPEC else _ANY_KIND
    for path in paths:
        spec = _walk(node, path)
        if isinstance(spec, MappingNode):
            yield _object_name(node, kind, reader), spec
            return


def _walk(node: Node | None, path: tuple[str, ...]) -> Node | None:
    for key in path:
        node = yamlnodes.get(node, key)
    return node


def _object_name(node: Node, kind: str, reader: _Reader) -> str:
    metadata = yamlnodes.get(node, "metadata")
    name = reader.text(yamlnodes.get(metadata, "name"))
    generated = reader.text(yamlnodes.get(metadata, "generateName"))
    return name or (generated or "").rstrip("-") or kind.lower() or "pod"


@dataclass(frozen=True, slots=True)
class _Container:
    """A container to read, with the Tekton `stepTemplate` merged into it."""

    node: MappingNode
    template: MappingNode | None = None


@dataclass(slots=True)
class _VolumeMount:
    """A container's `volumeMounts` entry that names a volume."""

    workload: Workload
    target: str | None
    read_only: Span | None


@dataclass(slots=True)
class _HostPathVolume:
    name: str
    name_node: Node
    path: Word
    mounts: list[_VolumeMount] = field(default_factory=list)


def _read_pod(
    name: str,
    spec: Node,
    reader: _Reader,
    containers: list[MappingNode] | list[_Container] | None = None,
    *,
    scripted: bool = False,
) -> None:
    """The containers of a pod spec (or those given) with the hostPath
    volumes of the spec they mount. `scripted`: a container's `script` is
    what it runs (Tekton)."""
    facts = reader.facts
    volumes = _host_path_volumes(spec, reader)
    if containers is None:
        containers = [c for key in _CONTAINER_LISTS for c in _list_of(spec, key, facts)]

    workloads: list[Workload] = []
    for item in containers:
        container = item if isinstance(item, _Container) else _Container(item)
        workload = _workload(name, container.node, reader)
        if container.template is not None:
            _merge_template(workload, container.node, container.template, reader)
        if scripted:
            _script(container.node, workload, reader)
        workloads.append(workload)
        mounted = [container.node]
        if container.template is not None:
            mounted.append(container.template)
        for node in mounted:
            for volume_name, mount in _volume_mounts(node, workload, facts):
                if volume_name in volumes:
                    volumes[volume_name].mounts.append(mount)

    for volume in volumes.values():
        _attach(name, volume, workloads, facts.path)
    facts.workloads += workloads


def _list_of(node: Node, key: str, facts: Facts) -> list[MappingNode]:
    """The mappings of a list field; a mapping where a list belongs is a
    Problem (the API server rejects it), null items are skipped."""
    value = yamlnodes.get(node, key)
    if isinstance(value, MappingNode):
        span = yamlnodes.span(value, facts.path)
        reason = f"`{key}` is a mapping, Kubernetes expects a list"
        point = Span.point(facts.path, span.line, span.column)
        facts.problems.append(Problem(point, reason))
        return []
    return [item for item in yamlnodes.sequence(value) if isinstance(item, MappingNode)]


def _host_path_volumes(spec: Node, reader: _Reader) -> dict[str, _HostPathVolume]:
    volumes: dict[str, _HostPathVolume] = {}
    for volume in _list_of(spec, "volumes", reader.facts):
        name_node = yamlnodes.get(volume, "name")
        path_node = yamlnodes.get(yamlnodes.get(volume, "hostPath"), "path")
        if not isinstance(path_node, ScalarNode) or name_node is None:
            continue
        name = yamlnodes.scalar(name_node) or ""
        path = reader.word(path_node)
        volumes.setdefault(name, _HostPathVolume(name, name_node, path))
    return volumes


def _workload(pod: str, container: Node, reader: _Reader) -> Workload:
    facts, path = reader.facts, reader.path
    name_node = yamlnodes.get(container, "name")
    name = reader.text(name_node) or "container"
    declared = name_node if isinstance(name_node, ScalarNode) else container
    image = yamlnodes.get(container, "image")

    workload = Workload(
        name=f"{pod}/{name}",
        span=yamlnodes.span(declared, path),
        origin="kubernetes container",
        image=reader.word(image) if isinstance(image, ScalarNode) else None,
        extent=yamlnodes.span(container, path),
        on_container_network=False,
    )
    workload.env = _env(container, path)
    workload.ports = _host_ports(container, path)
    workload.privileged = _privileged(container, path)
    workload.commands = _commands(container, workload.name, path)
    workload.entrypoint_replaced = bool(
        yamlnodes.sequence(yamlnodes.get(container, "command"))
    )
    facts.commands += workload.commands
    return workload


def _merge_template(
    workload: Workload, step: Node, template: Node, reader: _Reader
) -> None:
    """Tekton's `stepTemplate`: what a step leaves out it takes from the
    template; its own env entries win over the template's."""
    path = reader.path
    workload.env = _env(template, path) + workload.env
    if workload.image is None:
        image = yamlnodes.get(template, "image")
        if isinstance(image, ScalarNode):
            workload.image = reader.word(image)
    step_security = yamlnodes.get(step, "securityContext")
    if _pair(step_security, "privileged", path) is None:
        workload.privileged = _privileged(template, path)


def _script(container: Node, workload: Workload, reader: _Reader) -> None:
    """A Tekton `script`: run with `sh` unless its shebang says otherwise.
    A line the shell grammar cannot read is the task's failure at run
    time, not a problem of this file."""
    node = yamlnodes.get(container, "script")
    if not isinstance(node, ScalarNode) or yamlnodes.is_null(node):
        return
    text = str(node.value).lstrip()
    if _SHEBANG.match(text) and not _SHELL_SHEBANG.match(text):
        return

    from sockelint.sources import shell

    excerpt = yamlnodes.excerpt(node, reader.path)
    commands, _ = shell.parse_excerpt(excerpt, runs_in=workload.name)
    workload.commands += commands
    reader.facts.commands += commands


def _env(container: Node, path: str) -> list[EnvVar]:
    env: list[EnvVar] = []
    for entry in yamlnodes.sequence(yamlnodes.get(container, "env")):
        name_node = yamlnodes.get(entry, "name")
        name = yamlnodes.scalar(name_node)
        if not name or name_node is None:
            continue
        value_node = yamlnodes.get(entry, "value")
        value = yamlnodes.scalar(value_node)
        value_span = None
        if value is not None and value_node is not None:
            value_span = yamlnodes.span(value_node, path)
        whole = yamlnodes.span(name_node, path)
        env.append(EnvVar(name, value, whole.cover(value_span or whole), value_span))
    return env


def _host_ports(container: Node, path: str) -> list[Port]:
    """Only a `hostPort` publishes a container port on the node."""
    ports: list[Port] = []
    for entry in yamlnodes.sequence(yamlnodes.get(container, "ports")):
        pair = _pair(entry, "hostPort", path)
        if pair is None:
            continue
        host_port, span = pair
        container_port = yamlnodes.scalar(yamlnodes.get(entry, "containerPort"))
        host_ip = yamlnodes.scalar(yamlnodes.get(entry, "hostIP"))
        ports.append(Port(container_port or "", host_port, host_ip, span))
    return ports


def _privileged(container: Node, path: str) -> Span | None:
    security = yamlnodes.get(container, "securityContext")
    pair = _pair(security, "privileged", path)
    if pair is None or not _is_true(yamlnodes.get(security, "privileged")):
        return None
    return pair[1]


def _commands(container: Node, runs_in: str, path: str) -> list[Command]:
    """`command` replaces the image's entrypoint and `args` its CMD; together
    they are the argv the container starts with."""
    # Each item keeps its excerpt: a script in `args` (`- >-`, `- |`, a
    # quoted string with escapes) is mapped back character by character.
    words = [
        yamlnodes.script_word(item, path)
        for key in ("command", "args")
        for item in yamlnodes.sequence(yamlnodes.get(container, key))
        if isinstance(item, ScalarNode)
    ]
    if not words:
        return []
    return _commands_from_argv(words, runs_in)


def _commands_from_argv(words: list[Word], runs_in: str) -> list[Command]:
    from sockelint.sources import shell

    return list(shell.commands_from_argv(words, runs_in=runs_in))


def _volume_mounts(
    container: Node, workload: Workload, facts: Facts
) -> Iterator[tuple[str, _VolumeMount]]:
    for entry in _list_of(container, "volumeMounts", facts):
        name = yamlnodes.scalar(yamlnodes.get(entry, "name"))
        if not name:
            continue
        target = yamlnodes.scalar(yamlnodes.get(entry, "mountPath"))
        pair = _pair(entry, "readOnly", facts.path)
        read_only = None
        if pair is not None and _is_true(yamlnodes.get(entry, "readOnly")):
            read_only = pair[1]
        yield name, _VolumeMount(workload, target, read_only)


def _attach(
    pod: str, volume: _HostPathVolume, workloads: list[Workload], path: str
) -> None:
    """A `Mount` of the volume for every `volumeMounts` entry naming it.

    They share the span of the volume's `path`, so the path is reported
    once naming every container; each keeps its own target and `readOnly`,
    so a `readOnly: true` is reported where it is written even when another
    container mounts the volume writable. A volume no container mounts is
    still reported, on a stand-in workload for the pod, because it is one
    edit away from being used.
    """
    holders = list(dict.fromkeys(m.workload.name for m in volume.mounts))
    if not volume.mounts:
        stand_in = _stand_in(pod, volume, path)
        stand_in.mounts.append(_mount(volume, None, None, holders))
        workloads.append(stand_in)
        return
    for entry in volume.mounts:
        mount = _mount(volume, entry.target, entry.read_only, holders)
        entry.workload.mounts.append(mount)


def _mount(
    volume: _HostPathVolume,
    target: str | None,
    read_only: Span | None,
    holders: list[str],
) -> Mount:
    return Mount(
        source=volume.path,
        span=volume.path.span,
        host_path=_host_path(volume.path.text),
        target=target,
        read_only=read_only,
        kind="hostPath",
        shared_by=holders,
    )


def _host_path(written: str) -> str | None:
    """The normalised host path; a template action in it (`{{ .Values.x }}`)
    is a value only rendering reveals, kept as an unresolved variable."""
    if not written:
        return None
    return sockets.normalise(_ACTION.sub("$TEMPLATE", written))


def _stand_in(pod: str, volume: _HostPathVolume, path: str) -> Workload:
    # Named so the finding reads "mounted into `web` (a pod volume no
    # container mounts yet)": any container added later gets the socket.
    return Workload(
        name=f"{pod} (a pod volume no container mounts yet)",
        span=yamlnodes.span(volume.name_node, path),
        origin="kubernetes pod volume",
        on_container_network=False,
    )


def _pair(node: Node | None, key: str, path: str) -> tuple[str, Span] | None:
    """A key's scalar value and the span from the key to the end of its value."""
    if not isinstance(node, MappingNode):
        return None
    found = None
    for key_node, value in yamlnodes.items(node):
        if key_node.value == key and isinstance(value, ScalarNode):
            span = yamlnodes.span(key_node, path).cover(yamlnodes.span(value, path))
            found = (str(value.value), span)
    return found


def _is_true(node: Node | None) -> bool:
    """A plain `true`; a quoted "true" is a string the API server refuses."""
    if not isinstance(node, ScalarNode) or node.style in ("'", '"'):
        return False
    return truth.yaml_true(str(node.value))
