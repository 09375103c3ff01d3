"""Packer templates (`*.pkr.hcl`): the docker builder's container and the
shell provisioners' scripts. JSON templates are read by
sources.packer_json.

A `source "docker" "name"` block is the container Packer builds an image
in (`docker run` behind the scenes): its `image`, `privileged = true`,
`volumes = { "/host" = "/container" }` (a bind mount of each host path)
and `run_command` (the arguments given to `docker run`, read exactly as
its flags) become one `Workload`, `source.docker.name`. In a `build`
block, `provisioner "shell"` runs its `inline` strings inside the machine
being built: the docker source's container when the build names only
that one, otherwise a machine of its own (read as a host). `shell-local`
provisioners and post-processors run on the host that runs Packer.
`environment_vars` (`NAME=value` strings) and `shell-local`'s `env` are
the shell's variables. `${var.x}` is known from a literal `default`.
Reference: https://developer.hashicorp.com/packer/integrations/hashicorp/docker
"""

from __future__ import annotations

from sockelint import hcl
from sockelint.document import Document
from sockelint.hcl import Block, Node, ObjectExpr, Str, Values
from sockelint.model import Command, Facts, Mount, Workload
from sockelint.sources import ci_common

_SHELL = ("shell",)
_LOCAL = ("shell-local",)


def parse(document: Document) -> Facts:
    if document.path.lower().endswith(".json"):
        from sockelint.sources import packer_json

        return packer_json.parse(document)

    facts = Facts(document.path, document.kind or "packer")
    parsed = hcl.parse(document.text, document.path)
    facts.problems += parsed.problems
    values = Values(parsed, document.text, hcl.variable_defaults(parsed.body))

    containers: dict[str, Workload] = {}
    for source in parsed.body.blocks("source"):
        if source.label(0) == "docker":
            workload = _container(values, source)
            containers[workload.name] = workload
            facts.workloads.append(workload)

    for build in parsed.body.blocks("build"):
        _build(values, build, containers, facts)
    return facts


def _container(values: Values, source: Block) -> Workload:
    body = source.body
    workload = Workload(
        name=f"source.docker.{source.label(1) or 'docker'}",
        span=values.head(source),
        origin="Packer docker builder",
        image=values.text_word(body.value("image")),
        extent=values.span(source),
    )
    privileged = body.attribute("privileged")
    if privileged is not None and hcl.is_true(privileged.value):
        workload.privileged = values.attribute_span(privileged)

    volumes = body.value("volumes")
    if isinstance(volumes, ObjectExpr):
        for key, target in volumes.items:
            mount = _volume(values, key, target)
            if mount is not None:
                workload.mounts.append(mount)

    flags = [
        values.word(item)
        for item in hcl.items_of(body.value("run_command"))
        if isinstance(item, Str)
    ]
    # The builder's default ends with `-- {{.Image}}`: the flags end there.
    if any(word.text == "--" for word in flags):
        flags = flags[: [word.text for word in flags].index("--")]
    ci_common.apply_flags(workload, flags)
    return workload


def _volume(values: Values, key: Node, target: Node) -> Mount | None:
    """One `"/host/path" = "/container/path"` entry. The builder joins the
    two into `-v host:container`, so a target ending in `:ro` mounts it
    read-only."""
    if not isinstance(key, Str):
        return None
    inside = values.resolved(target)
    read_only = None
    if inside is not None and inside.endswith(":ro"):
        inside, read_only = inside[:-3], values.span(target)
    return values.mount(key, inside, read_only)


def _build(
    values: Values, build: Block, containers: dict[str, Workload], facts: Facts
) -> None:
    named = [
        values.resolved(item) or ""
        for item in hcl.items_of(build.body.value("sources"))
    ]
    named += [block.label(0) for block in build.body.blocks("source")]
    inside = [containers[n] for n in named if n in containers]
    container = inside[0] if len(inside) == 1 and len(named) == 1 else None

    for block in build.body.blocks("provisioner", "post-processor"):
        kind = block.label(0)
        if kind in _LOCAL:
            _inline(values, block, "host", None, facts)
        elif kind in _SHELL and block.type == "provisioner":
            runs_in = container.name if container is not None else "host"
            _inline(values, block, runs_in, container, facts)


def _inline(
    values: Values,
    block: Block,
    runs_in: str,
    workload: Workload | None,
    facts: Facts,
) -> None:
    from sockelint.sources import shell

    variables = _variables(values, block)
    commands: list[Command] = []
    for item in hcl.items_of(block.body.value("inline")):
        if isinstance(item, Str) and item.value.strip():
            # A line the shell cannot read fails the build; not the file's.
            found, _ = shell.parse_excerpt(
                values.excerpt(item), variables=variables, runs_in=runs_in
            )
            commands += found
    ci_common.add_commands(facts, commands, workload)


def _variables(values: Values, block: Block) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in hcl.items_of(block.body.value("environment_vars")):
        text = values.resolved(item)
        if text is not None and "=" in text:
            name, _, setting = text.partition("=")
            found[name] = setting
    env = block.body.value("env")
    if isinstance(env, ObjectExpr):
        for key, node in env.items:
            variable, known = hcl.key_text(key), values.resolved(node)
            if variable is not None and known is not None:
                found[variable] = known
    return found
