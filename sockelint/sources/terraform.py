"""Terraform: containers the docker provider starts, and the provider itself.

A `resource "docker_container"` (kreuzwerker/docker) is a `docker run`
written as HCL: `volumes` and `mounts` blocks bind host paths, `privileged`,
`env`, `ports`, `group_add`, `networks_advanced`, `command` and
`entrypoint`. A `docker_service` (swarm) says the same in its
`task_spec.container_spec`. Each becomes a `Workload` whose mounts point at
the written host path. An image given as `docker_image.x.image_id` is the
image named by that `docker_image` resource in the same file.

The kubernetes provider's pod resources (`kubernetes_pod`, deployments,
daemon sets, jobs...) are read as the Kubernetes source reads a manifest:
a `host_path` volume is one written path, reported once, naming every
container whose `volume_mount` uses it.

`provider "docker" { host = "tcp://..." }` points Terraform at an engine;
without `cert_path` or the `*_material` certificates it talks plaintext.

Machines booted with a shell script (`user_data`, `custom_data`,
`metadata_startup_script`) run it on the host: a script that starts with a
shebang is read by the shell source, user data that starts with
`#cloud-config` by the cloud-init source, with their positions mapped back
(also when written inside `base64encode(...)`).

A value from `var.x` is known when the module declares `variable "x"` with
a literal `default` in this file or a sibling `*.tf`; other references are
unknown, as compose's unset variables are.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from sockelint import hcl, relocate, sockets
from sockelint.document import Document
from sockelint.hcl import Block, Body, Node, ObjectExpr, Ref, Str, Values
from sockelint.model import (
    ClientEndpoint,
    EnvVar,
    Facts,
    Mount,
    Network,
    Port,
    Word,
    Workload,
)
from sockelint.span import Span

_CERTIFICATES = ("cert_path", "ca_material", "cert_material", "key_material")
_ENCODERS = ("base64encode", "base64gzip")
_CLOUD_CONFIG = re.compile(r"#cloud-config[ \t]*(?:\r?\n|$)")
_BOOT_SCRIPTS = (
    "user_data",
    "custom_data",
    "metadata_startup_script",
    "startup_script",
    "user-data",
    "startup-script",
)
_IMAGE_REF = re.compile(
    r"^docker_image\.([A-Za-z0-9_-]+)\.(?:image_id|name|repo_digest|latest)$"
)
_NETWORK_REF = re.compile(r"^docker_network\.([A-Za-z0-9_-]+)\.(?:name|id)$")
# kubernetes provider resources that hold a pod spec (`_v1` names too).
_KUBERNETES_WORKLOADS = frozenset(
    {
        "kubernetes_pod",
        "kubernetes_deployment",
        "kubernetes_daemonset",
        "kubernetes_daemon_set",
        "kubernetes_stateful_set",
        "kubernetes_replication_controller",
        "kubernetes_job",
        "kubernetes_cron_job",
    }
)
# Where a pod spec sits below the resource: `spec`, `spec.template.spec`,
# `spec.job_template.spec.template.spec`.
_POD_PATHS = (
    ("spec",),
    ("spec", "template", "spec"),
    ("spec", "job_template", "spec", "template", "spec"),
)
# Sibling files read for variable defaults: a module folder is small.
_MAX_SIBLINGS = 64
_MAX_SIBLING_CHARS = 512 * 1024


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    parsed = hcl.parse(document.text, document.path)
    facts.problems += parsed.problems

    variables = _sibling_defaults(document.location)
    variables.update(hcl.variable_defaults(parsed.body))
    values = Values(parsed, document.text, variables)
    module = _Module(values, parsed.body)

    for block in parsed.body.blocks("provider"):
        if block.label(0) == "docker":
            _provider(values, block, facts)
    for block in parsed.body.blocks("resource"):
        kind = block.label(0)
        if kind == "docker_container":
            facts.workloads.append(_container(module, block, block.body, facts))
        elif kind == "docker_service":
            _service(module, block, facts)
        elif kind.removesuffix("_v1") in _KUBERNETES_WORKLOADS:
            _kubernetes(values, block, facts)
        elif kind == "docker_network":
            network = _network(values, block)
            facts.networks[network.name] = network
        _boot_scripts(values, block, facts)
    return facts


class _Module:
    """One file's values and the resources others refer to by address."""

    def __init__(self, values: Values, body: Body) -> None:
        self.values = values
        self.resources: dict[tuple[str, str], Block] = {}
        for block in body.blocks("resource"):
            self.resources[(block.label(0), block.label(1))] = block

    def image(self, node: Node | None) -> Word | None:
        """An image as written, or the name of the `docker_image` it refers to."""
        word = self.values.text_word(node)
        if not isinstance(node, Ref) or word is None:
            return word
        match = _IMAGE_REF.match(node.text)
        block = self.resources.get(("docker_image", match.group(1))) if match else None
        name = self.values.resolved(block.body.value("name")) if block else None
        return Word(name, word.span, word.raw) if name else word

    def network_name(self, node: Node | None) -> Word | None:
        word = self.values.text_word(node)
        if not isinstance(node, Ref) or word is None:
            return word
        match = _NETWORK_REF.match(node.text)
        block = (
            self.resources.get(("docker_network", match.group(1))) if match else None
        )
        if block is None:
            return word
        name = self.values.resolved(block.body.value("name")) or block.label(1)
        return Word(name, word.span, word.raw)


def _sibling_defaults(location: str | None) -> dict[str, str]:
    if location is None:
        return {}
    return dict(_folder_defaults(os.path.dirname(os.path.abspath(location))))


@functools.lru_cache(maxsize=64)
def _folder_defaults(folder: str) -> tuple[tuple[str, str], ...]:
    """Literal variable defaults declared in a module folder's `*.tf`."""
    found: dict[str, str] = {}
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".tf"))
    except OSError:
        return ()
    for name in names[:_MAX_SIBLINGS]:
        path = Path(folder, name)
        try:
            if path.stat().st_size > _MAX_SIBLING_CHARS:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "variable" in text:
            found.update(hcl.variable_defaults(hcl.parse(text, name).body))
    return tuple(found.items())


# --------------------------------------------------------------------------
# The provider


def _provider(values: Values, block: Block, facts: Facts) -> None:
    host = block.body.value("host")
    word = values.text_word(host)
    if word is None:
        return
    text = values.value_text(host) if isinstance(host, Str) else word.text
    verified = any(block.body.attribute(name) for name in _CERTIFICATES)
    endpoint_word = Word(text, word.span, word.raw)
    origin = "Terraform docker provider"
    facts.clients.append(ClientEndpoint(endpoint_word, verified, origin))


# --------------------------------------------------------------------------
# Containers


def _container(module: _Module, block: Block, body: Body, facts: Facts) -> Workload:
    values = module.values
    written_name = values.resolved(body.value("name"))
    workload = Workload(
        name=written_name or f"{block.label(0)}.{block.label(1)}",
        span=values.head(block),
        origin="Terraform docker_container",
        image=module.image(body.value("image")),
        extent=values.span(block),
    )
    privileged = body.attribute("privileged")
    if privileged is not None and hcl.is_true(privileged.value):
        workload.privileged = values.attribute_span(privileged)

    for volume in body.blocks("volumes"):
        mount = _volume(values, volume.body)
        if mount is not None:
            workload.mounts.append(mount)
    for entry in body.blocks("mounts"):
        mount = _bind(values, entry.body)
        if mount is not None:
            workload.mounts.append(mount)

    workload.env = _env_list(values, body.value("env"))
    workload.ports = _ports(values, body)
    workload.groups = _strings(values, body.value("group_add"))
    for network in body.blocks("networks_advanced"):
        name = module.network_name(network.body.value("name"))
        if name is not None:
            workload.networks.append(name)
    mode = body.value("network_mode")
    if isinstance(mode, Str):
        workload.network_mode = values.word(mode)
    for label in body.blocks("labels"):
        key = values.resolved(label.body.value("label"))
        value = values.resolved(label.body.value("value"))
        if key is not None:
            workload.labels[key] = value or ""

    argv = _strings(values, body.value("entrypoint")) + _strings(
        values, body.value("command")
    )
    _add_argv(argv, workload, facts)
    return workload


def _add_argv(argv: list[Word], workload: Workload, facts: Facts) -> None:
    if not argv:
        return
    from sockelint.sources import shell

    commands = shell.commands_from_argv(argv, runs_in=workload.name)
    workload.commands += commands
    facts.commands += commands


def _volume(values: Values, body: Body) -> Mount | None:
    """`volumes { host_path container_path read_only }`; a `volume_name`
    alone is a named volume, not a host path."""
    host = body.value("host_path")
    if not isinstance(host, Str):
        return None
    return _mount(
        values, host, body.value("container_path"), body.attribute("read_only")
    )


def _bind(values: Values, body: Body) -> Mount | None:
    """`mounts { type = "bind" source target read_only }`."""
    kind = values.resolved(body.value("type"))
    source = body.value("source")
    if kind != "bind" or not isinstance(source, Str):
        return None
    return _mount(values, source, body.value("target"), body.attribute("read_only"))


def _mount(
    values: Values, source: Str, target: Node | None, read_only: hcl.Attribute | None
) -> Mount:
    only = None
    if read_only is not None and hcl.is_true(read_only.value):
        only = values.attribute_span(read_only)
    return values.mount(source, values.resolved(target), only)


def _env_list(values: Values, node: Node | None) -> list[EnvVar]:
    """`env = ["NAME=value", ...]`."""
    found: list[EnvVar] = []
    for item in hcl.items_of(node):
        if isinstance(item, Str) and "=" in item.value:
            word = values.word(item)
            resolved = Word(values.value_text(item), word.span, word.raw)
            found.append(EnvVar.assignment(resolved))
    return found


def _env_map(values: Values, node: Node | None) -> list[EnvVar]:
    """`env = { NAME = "value" }` (a swarm service's container spec)."""
    found: list[EnvVar] = []
    if not isinstance(node, ObjectExpr):
        return found
    for key, value in node.items:
        name = hcl.key_text(key)
        if name is None:
            continue
        text = (
            values.value_text(value)
            if isinstance(value, Str)
            else values.resolved(value)
        )
        whole = values.span(key).cover(values.span(value))
        found.append(EnvVar(name, text, whole, values.span(value)))
    return found


def _ports(values: Values, body: Body) -> list[Port]:
    """`ports { internal external ip }`: without `external` Docker picks a
    free host port, which still publishes the container port."""
    found: list[Port] = []
    for block in body.blocks("ports"):
        internal = values.resolved(block.body.value("internal")) or ""
        external = values.resolved(block.body.value("external"))
        ip = values.resolved(block.body.value("ip"))
        found.append(Port(internal, external or "", ip, values.span(block)))
    return found


def _strings(values: Values, node: Node | None) -> list[Word]:
    return [values.word(i) for i in hcl.items_of(node) if isinstance(i, Str)]


def _network(values: Values, block: Block) -> Network:
    name = values.resolved(block.body.value("name")) or block.label(1)
    internal = hcl.is_true(block.body.value("internal"))
    return Network(name, internal, values.head(block))


# --------------------------------------------------------------------------
# Swarm services


def _service(module: _Module, block: Block, facts: Facts) -> None:
    values = module.values
    for task in block.body.blocks("task_spec"):
        for spec in task.body.blocks("container_spec"):
            body = spec.body
            workload = Workload(
                name=values.resolved(block.body.value("name"))
                or f"{block.label(0)}.{block.label(1)}",
                span=values.head(block),
                origin="Terraform docker_service",
                image=module.image(body.value("image")),
                extent=values.span(block),
            )
            for entry in body.blocks("mounts"):
                mount = _bind(values, entry.body)
                if mount is not None:
                    workload.mounts.append(mount)
            workload.env = _env_map(values, body.value("env"))
            workload.groups = _strings(values, body.value("groups"))
            argv = _strings(values, body.value("command")) + _strings(
                values, body.value("args")
            )
            _add_argv(argv, workload, facts)
            facts.workloads.append(workload)


# --------------------------------------------------------------------------
# Kubernetes pods


def _kubernetes(values: Values, block: Block, facts: Facts) -> None:
    """A pod spec's containers with the `host_path` volumes they mount, as
    the Kubernetes source reads a manifest: one written path, one finding
    naming every container that mounts it."""
    spec = _pod_spec(block.body)
    if spec is None:
        return
    metadata = next(iter(block.body.blocks("metadata")), None)
    pod = (
        values.resolved(metadata.body.value("name")) if metadata else None
    ) or block.label(1)

    volumes: dict[str, Word] = {}
    for volume in spec.blocks("volume"):
        name = values.resolved(volume.body.value("name"))
        for host_path in volume.body.blocks("host_path"):
            path = host_path.body.value("path")
            if name and isinstance(path, Str):
                volumes.setdefault(name, values.word(path))

    mounted: dict[str, list[tuple[Workload, str | None, Span | None]]] = {}
    workloads: list[Workload] = []
    for container in spec.blocks("container", "init_container"):
        workload = _pod_container(values, pod, container, facts)
        workloads.append(workload)
        for entry in container.body.blocks("volume_mount"):
            name = values.resolved(entry.body.value("name"))
            if name not in volumes:
                continue
            read_only = entry.body.attribute("read_only")
            only = None
            if read_only is not None and hcl.is_true(read_only.value):
                only = values.attribute_span(read_only)
            target = values.resolved(entry.body.value("mount_path"))
            mounted.setdefault(name, []).append((workload, target, only))

    for name, written in volumes.items():
        holders = mounted.get(name, [])
        names = list(dict.fromkeys(w.name for w, _, _ in holders))
        for workload, target, only in holders:
            workload.mounts.append(_pod_mount(written, target, only, names))
        if not holders:
            stand_in = Workload(
                name=f"{pod} (a pod volume no container mounts yet)",
                span=values.head(block),
                origin="Terraform kubernetes pod volume",
                on_container_network=False,
            )
            stand_in.mounts.append(_pod_mount(written, None, None, []))
            workloads.append(stand_in)
    facts.workloads += workloads


def _pod_spec(body: Body) -> Body | None:
    for path in _POD_PATHS:
        current: Body | None = body
        for name in path:
            found = current.blocks(name) if current is not None else []
            current = found[-1].body if found else None
        if current is not None and current.blocks("container", "init_container"):
            return current
    return None


def _pod_container(values: Values, pod: str, block: Block, facts: Facts) -> Workload:
    body = block.body
    name = values.resolved(body.value("name")) or "container"
    workload = Workload(
        name=f"{pod}/{name}",
        span=values.head(block),
        origin="Terraform kubernetes container",
        image=values.text_word(body.value("image")),
        extent=values.span(block),
        on_container_network=False,
    )
    for context in body.blocks("security_context"):
        privileged = context.body.attribute("privileged")
        if privileged is not None and hcl.is_true(privileged.value):
            workload.privileged = values.attribute_span(privileged)
    for env in body.blocks("env"):
        key = values.resolved(env.body.value("name"))
        value = env.body.value("value")
        if key is None:
            continue
        text = values.value_text(value) if isinstance(value, Str) else None
        value_span = values.span(value) if value is not None else None
        workload.env.append(EnvVar(key, text, values.span(env), value_span))
    for port in body.blocks("port"):
        host_port = values.resolved(port.body.value("host_port"))
        if host_port is not None:
            container_port = values.resolved(port.body.value("container_port"))
            workload.ports.append(
                Port(container_port or "", host_port, None, values.span(port))
            )
    argv = _strings(values, body.value("command")) + _strings(
        values, body.value("args")
    )
    _add_argv(argv, workload, facts)
    return workload


def _pod_mount(
    path: Word,
    target: str | None,
    read_only: Span | None,
    holders: list[str],
) -> Mount:
    return Mount(
        source=path,
        span=path.span,
        host_path=sockets.normalise(path.text) or None,
        target=target,
        read_only=read_only,
        kind="hostPath",
        shared_by=holders,
    )


# --------------------------------------------------------------------------
# Boot scripts


def _boot_scripts(values: Values, block: Block, facts: Facts) -> None:
    """A machine's boot script, wherever the resource keeps it, read as a
    shell script when it says it is one (a shebang), as cloud-init user data
    when it starts with `#cloud-config`."""
    from sockelint.sources import shell

    for node in hcl.walk(block.body):
        script: Node | None = None
        if isinstance(node, hcl.Attribute) and node.name in _BOOT_SCRIPTS:
            script = node.value
        elif isinstance(node, ObjectExpr):
            script = next(
                (v for k, v in node.items if hcl.key_text(k) in _BOOT_SCRIPTS), None
            )
        # `base64encode("...")`: the provider sends the encoded string,
        # the machine decodes it before reading it.
        if isinstance(script, hcl.Call) and script.name in _ENCODERS:
            script = script.args[0] if len(script.args) == 1 else None
        if not isinstance(script, Str):
            continue
        if script.value.lstrip().startswith("#!"):
            commands, _ = shell.parse_excerpt(values.excerpt(script), runs_in="host")
            facts.commands += commands
        elif _CLOUD_CONFIG.match(script.value.lstrip()):
            facts.extend(_cloud_config(values, script))


def _cloud_config(values: Values, script: Str) -> Facts:
    """User data read by the cloud-init source as a file of its own, then
    moved to where each character of the string is written. Its parse
    errors are dropped, as a shell boot script's are: a template's
    interpolations can leave YAML that only parses once rendered."""
    from sockelint.sources import cloud_init

    text = script.value.lstrip()
    skipped = script.value[: len(script.value) - len(text)]
    rows = skipped.count("\n")
    columns = len(skipped) - (skipped.rfind("\n") + 1)
    excerpt = values.excerpt(script)

    def place(line: int, column: int) -> tuple[int, int]:
        shift = columns if line == 1 else 0
        return excerpt.position(line - 1 + rows, column - 1 + shift)

    found = cloud_init.parse(Document(values.path, text, "cloud-init"))
    found.problems = []
    relocate.move(found, place)
    return found
