"""Podman Quadlet units: `*.container`, `*.pod` and `*.network`, and the
drop-ins of containers and pods.

A Quadlet unit is a systemd unit whose `[Container]` (or `[Pod]`) section
Podman turns into `podman run` (`podman pod create`) flags. Each key is read
as the flag it becomes (`Volume=` is `-v`, `Mount=` is `--mount`,
`PodmanArgs=` is written as flags already) and given to the docker CLI
reader, so a socket bind here is the same fact as in `podman run -v`.
`Exec=` is the command the container runs. The unit's `[Service]` section
is a service's like any other and is read by the systemd source.

A `*.network` unit declares a network: `systemd-<name>` unless
`NetworkName=` names it, internal when `Internal=` is true. A container
joins it with `Network=<name>.network`, written in another file: each file
is read alone, so that network is as unknown there as a compose
`external` one, and SL404 stays quiet about it.
"""

from __future__ import annotations

from sockelint import unitfile
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Facts, Network, Word, Workload
from sockelint.sources import systemd_unit

# Keys whose one value is the value of one flag.
_FLAG_OF = {
    "Volume": "-v",
    "Mount": "--mount",
    "PublishPort": "-p",
    "Network": "--network",
    "GroupAdd": "--group-add",
}
# Sections Podman makes a container of, and what their name key is.
_SECTIONS = {"Container": "ContainerName", "Pod": "PodName"}
# systemd's booleans (systemd.syntax): what `Internal=` says when on.
_TRUE = frozenset({"1", "yes", "y", "true", "t", "on"})


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    excerpt = Excerpt.whole(document.path, document.text)
    found = unitfile.entries(excerpt)
    specifiers = unitfile.specifiers_for(document.path)

    for section, name_key in _SECTIONS.items():
        own = [e for e in found if e.section == section]
        if own:
            _workload(document.path, section, name_key, own, specifiers, facts)
    if document.path.lower().endswith(".network"):
        _network(document, found, facts)
    systemd_unit.add_unit_facts(document.path, excerpt, found, facts)
    return facts


def _workload(
    path: str,
    section: str,
    name_key: str,
    own: list[unitfile.Entry],
    specifiers: dict[str, str],
    facts: Facts,
) -> None:
    from sockelint.sources import ci_common, shell

    stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    first = own[0].key_span
    extent = first
    for entry in own:
        extent = extent.cover(entry.span)
    workload = Workload(
        name=stem,
        span=first,
        origin=f"quadlet {section.lower()}",
        extent=extent,
    )

    flags: list[Word] = []
    run: list[Word] = []
    entrypoint: list[Word] = []
    for entry in own:
        if entry.key in _FLAG_OF:
            flags += ci_common.flag_pairs(_FLAG_OF[entry.key], [entry.word(specifiers)])
        elif entry.key == "Environment":
            flags += ci_common.flag_pairs("-e", _words(entry, specifiers))
        elif entry.key == "PodmanArgs":
            flags += _words(entry, specifiers)
        elif entry.key == "Image":
            workload.image = entry.word(specifiers)
            workload.span = entry.key_span
        elif entry.key == name_key and entry.text:
            workload.name = entry.text
        elif entry.key == "Exec":
            run = _words(entry, specifiers)
        elif entry.key == "Entrypoint":
            entrypoint = [entry.word(specifiers)]
    ci_common.apply_flags(workload, flags)
    facts.workloads.append(workload)

    argv = entrypoint + run
    for command in shell.commands_from_argv(argv, runs_in=workload.name):
        workload.commands.append(command)
        facts.commands.append(command)


def _network(document: Document, found: list[unitfile.Entry], facts: Facts) -> None:
    """The network a `*.network` unit declares. Its `[Network]` section may
    be empty (every setting Podman's default): the network is still made,
    and not internal."""
    own = {e.key: e for e in found if e.section == "Network"}
    stem = document.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    named = own.get("NetworkName")
    name = named.text if named is not None and named.text else f"systemd-{stem}"
    internal = own.get("Internal")
    on = internal is not None and internal.text.lower() in _TRUE

    span = document.whole()
    for entry in (named, internal):
        if entry is not None:
            span = entry.span
            break
    facts.networks[name] = Network(name, on, span)


def _words(entry: unitfile.Entry, specifiers: dict[str, str]) -> list[Word]:
    return [
        Word(unitfile.expand_specifiers(w.text, specifiers), w.span, w.raw)
        for w in unitfile.words(entry)
    ]
