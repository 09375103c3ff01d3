"""Nomad job specs: every docker or podman task is a container.

A `job` holds `group`s of `task`s; a task with `driver = "docker"` (or
`podman`) runs a container whose `config` is `docker run` written as HCL:
`volumes = ["/host:/container:ro"]` (read exactly as `-v` flags),
`mount { type = "bind" source target readonly }` blocks (and the older
`mounts = [{...}]` list), `privileged`, `network_mode`, `group_add`,
`command` with `args`. The task's `env` is its environment. The workload is
named `job/group/task`.

Tasks run by `raw_exec` or `exec` are commands on the client host: their
`command` and `args` go through the shell source as host commands.

Who reaches a task's ports is a matter of the job's `network` block and the
cluster's network, which are not read: like Kubernetes pods, Nomad tasks are
not on compose-style container networks.
"""

from __future__ import annotations

from sockelint import hcl
from sockelint.document import Document
from sockelint.hcl import Block, Body, Node, ObjectExpr, Str, Values
from sockelint.model import EnvVar, Facts, Mount, Word, Workload
from sockelint.sources import ci_common

_CONTAINER_DRIVERS = ("docker", "podman")
_HOST_DRIVERS = ("raw_exec", "exec")


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    parsed = hcl.parse(document.text, document.path)
    facts.problems += parsed.problems
    values = Values(parsed, document.text, hcl.variable_defaults(parsed.body))

    for job in parsed.body.blocks("job"):
        name = job.label(0) or "job"
        # A task written straight in the job is a group of its own.
        for task in job.body.blocks("task"):
            _task(values, f"{name}/{task.label(0)}", task, facts)
        for group in job.body.blocks("group"):
            for task in group.body.blocks("task"):
                path = f"{name}/{group.label(0)}/{task.label(0)}"
                _task(values, path, task, facts)
    return facts


def _task(values: Values, name: str, task: Block, facts: Facts) -> None:
    body = task.body
    driver = values.resolved(body.value("driver")) or ""
    configs = body.blocks("config")
    config = configs[-1].body if configs else None
    if config is None:
        config = _object_body(body.value("config"))
    if driver in _HOST_DRIVERS and config is not None:
        _host_commands(values, config, facts)
        return
    if driver not in _CONTAINER_DRIVERS:
        return

    workload = Workload(
        name=name,
        span=values.head(task),
        origin=f"Nomad {driver} task",
        extent=values.span(task),
        on_container_network=False,
    )
    workload.env = _env(values, body)
    if config is not None:
        _config(values, config, workload, facts)
    facts.workloads.append(workload)


def _object_body(node: Node | None) -> Body | None:
    """`config = { ... }` written as an object: read like a block."""
    if not isinstance(node, ObjectExpr):
        return None
    body = Body(node.start, node.end)
    for key, value in node.items:
        name = hcl.key_text(key)
        if name is not None:
            body.items.append(hcl.Attribute(key.start, value.end, name, key.end, value))
    return body


def _config(values: Values, config: Body, workload: Workload, facts: Facts) -> None:
    image = config.value("image")
    workload.image = values.text_word(image)

    privileged = config.attribute("privileged")
    if privileged is not None and hcl.is_true(privileged.value):
        workload.privileged = values.attribute_span(privileged)

    volumes = [
        _resolved_word(values, item)
        for item in hcl.items_of(config.value("volumes"))
        if isinstance(item, Str)
    ]
    ci_common.apply_flags(workload, ci_common.flag_pairs("-v", volumes))

    for block in config.blocks("mount", "mounts"):
        mount = _bind(values, block.body)
        if mount is not None:
            workload.mounts.append(mount)
    for item in hcl.items_of(config.value("mounts")):
        mount = _bind(values, _object_body(item))
        if mount is not None:
            workload.mounts.append(mount)

    workload.groups += _strings(values, config.value("group_add"))
    mode = config.value("network_mode")
    if isinstance(mode, Str):
        workload.network_mode = values.word(mode)

    argv = _strings(values, config.value("entrypoint"))
    argv += _strings(values, config.value("command"))
    argv += _strings(values, config.value("args"))
    if argv:
        from sockelint.sources import shell

        commands = shell.commands_from_argv(argv, runs_in=workload.name)
        workload.commands += commands
        facts.commands += commands


def _resolved_word(values: Values, node: Str) -> Word:
    """The string with known variables put in, where it is written."""
    word = values.word(node)
    if not node.interpolated:
        return word
    return Word(values.value_text(node), word.span, word.raw)


def _bind(values: Values, body: Body | None) -> Mount | None:
    """`mount { type = "bind" source target readonly }`; a `volume` mount
    names a Docker volume, not a host path."""
    if body is None:
        return None
    kind = values.resolved(body.value("type")) or "volume"
    source = body.value("source")
    if kind != "bind" or not isinstance(source, Str):
        return None
    only = None
    read_only = body.attribute("readonly") or body.attribute("read_only")
    if read_only is not None and hcl.is_true(read_only.value):
        only = values.attribute_span(read_only)
    return values.mount(source, values.resolved(body.value("target")), only)


def _env(values: Values, task: Body) -> list[EnvVar]:
    """`env { NAME = "value" }`, or `env = { ... }`."""
    found: list[EnvVar] = []
    bodies = [b.body for b in task.blocks("env")]
    as_object = _object_body(task.value("env"))
    if as_object is not None:
        bodies.append(as_object)
    for body in bodies:
        for item in body.items:
            if not isinstance(item, hcl.Attribute):
                continue
            value = item.value
            text = (
                values.value_text(value)
                if isinstance(value, Str)
                else values.resolved(value)
            )
            whole = values.attribute_span(item)
            found.append(EnvVar(item.name, text, whole, values.span(value)))
    return found


def _strings(values: Values, node: Node | None) -> list[Word]:
    return [values.word(i) for i in hcl.items_of(node) if isinstance(i, Str)]


def _host_commands(values: Values, config: Body, facts: Facts) -> None:
    """`raw_exec`/`exec`: the command runs on the client host."""
    from sockelint.sources import shell

    argv = _strings(values, config.value("command"))
    argv += _strings(values, config.value("args"))
    if argv:
        facts.commands += shell.commands_from_argv(argv, runs_in="host")
