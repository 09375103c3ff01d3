"""systemd units: services that run commands, sockets that listen.

Any `*.service` or `*.socket` unit and its drop-ins, docker's own included,
and their Jinja templates (`*.service.j2`) in Ansible roles.
Engine access in a unit is mostly a command line: `ExecStart=/usr/bin/docker
run -v /var/run/docker.sock:...` (watchtower, traefik and agents are often
run so), a `socat` relay, a `chmod 666` in `ExecStartPost=`. Those go
through the shell source with their columns kept. An `ExecStart=` that runs
dockerd is the engine's own configuration, read by `daemonconfig` as for a
unit a script writes. A socket unit of an engine that listens on TCP
(`ListenStream=2375`) is that engine listening there.

A unit of an unrelated program costs one scan of its text: its command
lines reach the shell parser only when they name an engine or a socket.
"""

from __future__ import annotations

import re

from sockelint import daemonconfig, endpoints, sockets, unitfile
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import DaemonConfig, EnvVar, Facts, SocketSetting, Word
from sockelint.span import Span

EXEC_KEYS = frozenset(
    {
        "ExecStart",
        "ExecStartPre",
        "ExecStartPost",
        "ExecCondition",
        "ExecReload",
        "ExecStop",
        "ExecStopPost",
    }
)
# Every engine, socket path, relay and group grant the rules know names one
# of these: a command line without any cannot produce a finding.
_ENGINE_WORDS = re.compile(r"docker|podman|nerdctl|containerd|crio|buildkit|sock", re.I)
# What an `ExecStart=` running the engine names (`docker daemon` of old).
_DOCKERD = re.compile(r"dockerd|daemon")
# A socket unit's TCP listener: `2375`, `0.0.0.0:2375`, `[::]:2375`.
_TCP_LISTENER = re.compile(
    r"^(?:(?P<address>\[[^\]]*\]|[^/@:\s][^:\s]*):)?(?P<port>\d+)$"
)
# The port docker documents for TLS: a socket unit cannot say whether the
# service it starts verifies clients, and 2376 is the one that says it does.
_TLS_PORT = "2376"
# What a socket unit sets on the file it creates.
_SOCKET_KEYS = frozenset({"SocketMode", "SocketGroup"})
_ORIGIN = "systemd unit"
_SOCKET_ORIGIN = "systemd socket unit"


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    if not _ENGINE_WORDS.search(document.text):
        return facts
    text = document.text
    if document.path.lower().endswith(".j2"):
        # An Ansible role's unit template: its actions masked in place (the
        # first branch of each `if`), so the literal unit is read where it
        # is written.
        from sockelint.sources import helm

        text = helm.masked(text)[0]
    excerpt = Excerpt.whole(document.path, text)
    add_unit_facts(document.path, excerpt, unitfile.entries(excerpt), facts)
    return facts


def add_unit_facts(
    path: str, excerpt: Excerpt, found: list[unitfile.Entry], facts: Facts
) -> None:
    """What the `[Service]` commands and `[Socket]` listeners of a unit say;
    the Quadlet source hands its `[Service]` section here too."""
    daemons: list[DaemonConfig] = []
    if _DOCKERD.search(excerpt.text):
        daemons, _ = daemonconfig.read_systemd(excerpt.text, excerpt, _ORIGIN)
    facts.daemons += daemons
    facts.daemons += _socket_daemons(path, found)
    facts.socket_settings += _socket_settings(path, found)

    env = [
        EnvVar.assignment(word)
        for entry in found
        if entry.section == "Service" and entry.key == "Environment"
        for word in unitfile.words(entry)
    ]
    facts.clients += endpoints.clients_from_env(env, f"{_ORIGIN} environment")

    variables = {v.name: v.value for v in env if v.value is not None}
    specifiers = unitfile.specifiers_for(path)
    for entry in found:
        if entry.key not in EXEC_KEYS or not _ENGINE_WORDS.search(entry.text):
            continue
        for command in unitfile.exec_commands(entry, variables, specifiers):
            # dockerd lines are daemonconfig's: read twice, they would be
            # two daemons with one listener.
            if command.words and any(
                _within(command.words[0].span, d.span) for d in daemons
            ):
                continue
            facts.commands.append(command)


def _socket_daemons(path: str, found: list[unitfile.Entry]) -> list[DaemonConfig]:
    listens = [e for e in found if e.section == "Socket" and e.key == "ListenStream"]
    if not listens or not _engine_socket_unit(path, found, listens):
        return []
    daemons: list[DaemonConfig] = []
    for entry in listens:
        match = _TCP_LISTENER.match(entry.text)
        if match is None or match.group("port") == _TLS_PORT:
            continue
        address = match.group("address") or ""
        listener = Word(
            f"tcp://{address}:{match.group('port')}", entry.span, entry.text
        )
        daemons.append(DaemonConfig(entry.span, _SOCKET_ORIGIN, [listener]))
    return daemons


def _socket_settings(path: str, found: list[unitfile.Entry]) -> list[SocketSetting]:
    """The mode and group an engine's socket unit creates its socket with.
    Only a file system listener has them (not a port, not an abstract
    `@name`); the last setting wins, as in a drop-in."""
    listens = [e for e in found if e.section == "Socket" and e.key == "ListenStream"]
    if not listens or not _engine_socket_unit(path, found, listens):
        return []
    settings = {
        e.key: e for e in found if e.section == "Socket" and e.key in _SOCKET_KEYS
    }
    if not settings:
        return []

    # One setting per unit: `SocketMode=` is one line whatever the number
    # of listeners, and one finding on it is enough.
    specifiers = unitfile.specifiers_for(path)
    mode, group = settings.get("SocketMode"), settings.get("SocketGroup")
    return [
        SocketSetting(
            entry.word(specifiers),
            _SOCKET_ORIGIN,
            mode.word() if mode else None,
            group.word() if group else None,
        )
        for entry in listens
        if entry.text.startswith(("/", "%"))
        and not _in_user_runtime_dir(entry.word(specifiers).text)
    ][:1]


def _in_user_runtime_dir(path: str) -> bool:
    """A socket in a user's runtime folder (`%t` of a user unit,
    `/run/user/UID`): that folder is the user's alone (0700), so the
    socket's own mode opens it to nobody else."""
    return path.startswith(("$XDG_RUNTIME_DIR/", "/run/user/"))


def _engine_socket_unit(
    path: str, found: list[unitfile.Entry], listens: list[unitfile.Entry]
) -> bool:
    """A socket unit that starts an engine: named for one (`docker.socket`,
    `docker-tcp.socket`), naming an engine's service (`Service=`), or
    listening on an engine's socket path too."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name.startswith(("docker", "podman")):
        return True
    services = [e for e in found if e.section == "Socket" and e.key == "Service"]
    if any(e.text.lower().startswith(("docker", "podman")) for e in services):
        return True
    specifiers = unitfile.specifiers_for(path)
    return any(
        sockets.classify(unitfile.expand_specifiers(e.text, specifiers))
        is sockets.HostPath.SOCKET
        for e in listens
    )


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)
