"""Packer templates in JSON: the legacy form and the HCL JSON syntax.

The legacy template (any `*.json` whose top level has `builders`) lists
`builders` (`{"type": "docker", "image", "privileged", "volumes",
"run_command"}`), `provisioners` (`{"type": "shell", "inline": [...]}`)
and `post-processors`. A `*.pkr.json` file writes the HCL blocks as
objects: `"source": {"docker": {"name": {...}}}` and `"build": {"sources",
"provisioner": [{"shell": {...}}]}`. Both are read as the HCL template is
(sources.packer): a docker builder is a Workload, `shell` provisioners run
in its container when it is the only builder, `shell-local` ones on the
host, and each `inline` string goes through the shell source with every
character placed in the JSON string.
"""

from __future__ import annotations

from sockelint import jsonspans, sockets
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.jsonspans import Node
from sockelint.model import Command, Facts, Mount, Word, Workload
from sockelint.sources import ci_common
from sockelint.sources.package_json import string_excerpt

_LOCAL = "shell-local"


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind or "packer")
    excerpt = Excerpt.whole(document.path, document.text)
    try:
        root = jsonspans.parse(document.text, excerpt)
    except jsonspans.JsonError as error:
        facts.problems.append(error.problem)
        return facts
    if root.kind != "object":
        return facts

    builders = _builders(root)
    facts.workloads += [w for w in builders if w is not None]
    inside = builders[0] if len(builders) == 1 else None
    for step in _steps(root):
        _step(document, step, inside, facts)
    return facts


def _builders(root: Node) -> list[Workload | None]:
    """Every builder (None for one that is no docker container): the
    legacy `builders` list, or `source` objects by type and name."""
    found: list[Workload | None] = []
    for builder in _items(root.get("builders")):
        if builder.kind != "object":
            continue
        kind = builder.get("type")
        name = builder.get("name") or kind
        if kind is not None and kind.text == "docker":
            found.append(_container(builder, name.text if name else "docker"))
        else:
            found.append(None)

    sources = root.get("source")
    for source_type in sources.members if sources and sources.kind == "object" else []:
        for member in source_type.value.members:
            if source_type.key == "docker":
                found.append(_container(member.value, f"source.docker.{member.key}"))
            else:
                found.append(None)
    return found


def _container(builder: Node, name: str | None) -> Workload:
    """A docker builder, named as Packer names it in its output."""
    image = builder.get("image")
    workload = Workload(
        name=name or "docker",
        span=builder.span,
        origin="Packer docker builder",
        image=image.word() if image is not None and image.kind == "string" else None,
        extent=builder.span,
    )
    privileged = builder.get("privileged")
    if privileged is not None and privileged.value is True:
        workload.privileged = privileged.span

    volumes = builder.get("volumes")
    for member in volumes.members if volumes and volumes.kind == "object" else []:
        workload.mounts.append(_volume(member))

    # `\0`: the word is a JSON string, not written as such (quotes,
    # escapes), so a finding points at the whole item.
    flags = [
        Word(item.text, item.span, "\0")
        for item in _items(builder.get("run_command"))
        if item.text is not None
    ]
    texts = [word.text for word in flags]
    ci_common.apply_flags(
        workload, flags[: texts.index("--")] if "--" in texts else flags
    )
    return workload


def _volume(member: jsonspans.Member) -> Mount:
    """`"/host": "/container"` (a `:ro` target mounts it read-only)."""
    inside = member.value.text
    read_only = None
    if inside is not None and inside.endswith(":ro"):
        inside, read_only = inside[:-3], member.value.span
    return Mount(
        source=Word(member.key, member.key_span),
        span=member.key_span,
        host_path=sockets.normalise(member.key) or None,
        target=inside,
        read_only=read_only,
    )


def _steps(root: Node) -> list[tuple[str, Node, bool]]:
    """(type, object, is a provisioner) of every provisioner and
    post-processor, in either syntax."""
    found: list[tuple[str, Node, bool]] = []
    for key, provisioner in (("provisioners", True), ("post-processors", False)):
        for item in _flat(root.get(key)):
            kind = item.get("type")
            if kind is not None and kind.text:
                found.append((kind.text, item, provisioner))

    for build in _items(root.get("build")):
        for key, provisioner in (("provisioner", True), ("post-processor", False)):
            for item in _flat(build.get(key)):
                for member in item.members:
                    if member.value.kind == "object":
                        found.append((member.key, member.value, provisioner))
    return found


def _step(
    document: Document,
    step: tuple[str, Node, bool],
    inside: Workload | None,
    facts: Facts,
) -> None:
    from sockelint.sources import shell

    kind, node, provisioner = step
    if kind == _LOCAL:
        runs_in, workload = "host", None
    elif kind == "shell" and provisioner:
        workload = inside
        runs_in = inside.name if inside is not None else "host"
    else:
        return

    variables: dict[str, str] = {}
    for item in _items(node.get("environment_vars")):
        if item.text and "=" in item.text:
            name, _, value = item.text.partition("=")
            variables[name] = value
    commands: list[Command] = []
    for item in _items(node.get("inline")):
        excerpt = string_excerpt(document, item) if item.text else None
        if excerpt is not None and item.text and item.text.strip():
            # A line the shell cannot read fails the build; not the file's.
            found, _ = shell.parse_excerpt(
                excerpt, variables=variables, runs_in=runs_in
            )
            commands += found
    ci_common.add_commands(facts, commands, workload)


def _items(node: Node | None) -> list[Node]:
    """An array's items; an object stands for itself."""
    if node is None:
        return []
    if node.kind == "array":
        return node.items
    return [node] if node.kind == "object" else []


def _flat(node: Node | None) -> list[Node]:
    """Objects of an array that may nest one level (legacy post-processor
    sequences are arrays of arrays)."""
    found: list[Node] = []
    for item in _items(node):
        if item.kind == "object":
            found.append(item)
        elif item.kind == "array":
            found += [i for i in item.items if i.kind == "object"]
    return found
