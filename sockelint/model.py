"""The one small model every source produces and every rule reads.

A source turns text into `Facts`; it decides nothing about findings. The
rules are written once against these classes, so a socket mount is the same
fact whether it came from compose, Kubernetes, a `docker run` in a script or
a CI job container.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sockelint.span import Span


@dataclass(frozen=True, slots=True)
class Word:
    """A value as the program will see it, and where it is written.

    For shell words `text` is unquoted and has known variables expanded;
    `raw` is the text as written in the file.
    """

    text: str
    span: Span
    raw: str = ""

    def part(self, start: int, end: int) -> Span:
        """Span of `text[start:end]` when the word is written as is (or in
        one pair of quotes) on one line; the whole word's span otherwise,
        since escapes or expansion make columns inside it unknowable."""
        span = self.span
        raw = self.raw or self.text
        shift = 0
        if raw != self.text:
            quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
            if not (quoted and raw[1:-1] == self.text):
                return span
            shift = 1
        if span.line != span.end_line or span.end_column - span.column != len(raw):
            return span
        column = span.column + shift
        return Span(span.path, span.line, column + start, span.line, column + end)

    def items(self, separator: str = ",") -> list[Word]:
        """The non-empty items of a list written in one word (`docker,wheel`),
        each placed on its own text where the word's columns are known."""
        found: list[Word] = []
        offset = 0
        for piece in self.text.split(separator):
            start = offset + len(piece) - len(piece.lstrip())
            name = piece.strip()
            offset += len(piece) + len(separator)
            if name:
                found.append(Word(name, self.part(start, start + len(name)), name))
        return found


@dataclass(slots=True)
class Command:
    """One simple command: `argv[0]` is the program (after sudo, env, exec)."""

    words: list[Word]
    span: Span
    # Where it runs: "host" for scripts, or the workload name for commands a
    # container runs (compose command, Kubernetes args, Dockerfile RUN).
    runs_in: str = "host"
    # Assignments written before the program (`DOCKER_HOST=tcp://x docker ps`).
    env: list[Word] = field(default_factory=list)
    # Text written into a file by this command (echo/printf/heredoc redirected
    # to a path), keyed by the target path: daemon configs written by scripts.
    writes: dict[str, Word] = field(default_factory=dict)

    @property
    def argv(self) -> list[str]:
        return [word.text for word in self.words]


@dataclass(slots=True)
class Mount:
    """A host path (or named volume) made visible inside a workload."""

    source: Word  # the host side as written (or the volume name)
    span: Span  # what a finding points at: the entry, `source`, `-v` word, path
    host_path: str | None  # normalised host path; None for a named volume
    target: str | None = None
    read_only: Span | None = None  # what made it read-only, if anything
    kind: str = "bind"  # bind, hostPath, volume-bind, mount-flag, devcontainer
    # Workloads that get this very mount (an anchor, `extends`, a shared pod
    # volume); filled by sources that share one written mount.
    shared_by: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    value: str | None
    span: Span  # the whole entry (`NAME=value` or the `NAME:` key line)
    value_span: Span | None = None

    @classmethod
    def assignment(cls, word: Word) -> EnvVar:
        """`NAME=value` written as one word; `NAME` alone has no value."""
        name, equals, value = word.text.partition("=")
        value_span = word.part(len(name) + 1, len(word.text))
        return cls(name.strip(), value if equals else None, word.span, value_span)


@dataclass(frozen=True, slots=True)
class Port:
    """A published port: host side to container side."""

    container_port: str
    host_port: str | None
    host_ip: str | None
    span: Span


@dataclass(slots=True)
class Workload:
    """One container as declared anywhere."""

    name: str
    span: Span  # the declaration (service key, container name, `run` word)
    origin: str  # compose service, kubernetes container, docker run, ...
    image: Word | None = None
    mounts: list[Mount] = field(default_factory=list)
    privileged: Span | None = None
    env: list[EnvVar] = field(default_factory=list)
    groups: list[Word] = field(default_factory=list)  # group_add, --group-add
    ports: list[Port] = field(default_factory=list)
    networks: list[Word] = field(default_factory=list)
    # False where the format has no container networks (a Kubernetes pod):
    # who reaches it there is the platform's network policy, not read here.
    on_container_network: bool = True
    network_mode: Word | None = None
    commands: list[Command] = field(default_factory=list)
    # The file replaces the image's entrypoint (compose `entrypoint`,
    # `--entrypoint`, a pod's `command`): the image's own program, known
    # by its name in roles.entrypoint, does not run.
    entrypoint_replaced: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    # The workload's whole extent, for findings about the workload itself.
    extent: Span | None = None

    def env_value(self, name: str) -> EnvVar | None:
        for var in reversed(self.env):
            if var.name == name:
                return var
        return None


@dataclass(slots=True)
class DaemonConfig:
    """A container engine started or configured somewhere."""

    span: Span
    origin: str  # dockerd flags, daemon.json, systemd unit, dind service, ...
    listeners: list[Word] = field(default_factory=list)  # -H / hosts values
    tls: Span | None = None
    tlsverify: Span | None = None
    # The TLS state written explicitly false (`--tlsverify=false`).
    tls_disabled: Span | None = None


@dataclass(frozen=True, slots=True)
class ClientEndpoint:
    """A client pointed at an engine: DOCKER_HOST, `-H`, DOCKER_TLS_VERIFY."""

    host: Word
    tls_verify: bool
    origin: str
    workload: str | None = None  # the workload whose environment holds it


@dataclass(frozen=True, slots=True)
class Relay:
    """A program configured to pass what reaches its listeners on to a
    socket (an nginx `proxy_pass unix:...`): socat's relay, written as
    configuration."""

    program: str
    target: Word  # the socket path passed to, where it is written
    span: Span  # what passes it on (the directive)
    listeners: list[Word]  # addresses it listens on; `unix:/path` for sockets
    # What makes every client prove who it is (a required client certificate).
    client_auth: Span | None = None


@dataclass(frozen=True, slots=True)
class SocketSetting:
    """An engine socket whose mode and group are set where it is declared
    (a systemd socket unit's `SocketMode=`, `SocketGroup=`), not by a
    command run later: what `chmod` and `chgrp` would say, as settings."""

    path: Word  # the socket path it listens on, where it is written
    origin: str
    mode: Word | None = None  # octal, as written
    group: Word | None = None


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    internal: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Problem:
    """Text the source could not read: becomes an SL000 finding."""

    span: Span
    reason: str


@dataclass(slots=True)
class Facts:
    """Everything one file says about engine access."""

    path: str
    kind: str
    workloads: list[Workload] = field(default_factory=list)
    daemons: list[DaemonConfig] = field(default_factory=list)
    clients: list[ClientEndpoint] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    networks: dict[str, Network] = field(default_factory=dict)
    relays: list[Relay] = field(default_factory=list)
    socket_settings: list[SocketSetting] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: Facts) -> None:
        """Take in what an embedded source (a script, a fence) found."""
        self.workloads += other.workloads
        self.daemons += other.daemons
        self.clients += other.clients
        self.commands += other.commands
        self.networks.update(other.networks)
        self.relays += other.relays
        self.socket_settings += other.socket_settings
        self.problems += other.problems
