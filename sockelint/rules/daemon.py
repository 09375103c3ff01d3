"""SL201-SL205: engine APIs reachable over the network.

An engine on TCP without `--tlsverify` takes calls from anyone who can reach
the port (SL201); `--tls` alone encrypts but still lets anyone in (SL202).
A client pointed at such a port (SL203), a docker-in-docker with TLS turned
off (SL204) and a relay from the socket to TCP (SL205) are the same exposure
seen from the other side.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sockelint import argv, dockerd, sockets
from sockelint.finding import Finding, image_of
from sockelint.model import (
    ClientEndpoint,
    Command,
    DaemonConfig,
    Facts,
    Word,
    Workload,
)
from sockelint.roles import is_dind, is_socket_proxy
from sockelint.span import Span

_PLAIN_PORT = "2375"
_RELAYS = {"socat", "ncat", "nc", "netcat", "nc.openbsd", "nc.traditional"}
_TLS_ADVICE = (
    "Listen on the unix socket only and reach the engine over SSH "
    "(`DOCKER_HOST=ssh://user@host`), or require client certificates with "
    "`--tlsverify` and `--tlscacert`, `--tlscert`, `--tlskey`."
)


def check_plaintext_daemon(facts: Facts) -> Iterator[Finding]:
    seen: set[Span] = set()
    for daemon in facts.daemons:
        if daemon.tlsverify is not None or daemon.tls is not None:
            continue  # verified, or SL202's finding
        for listener in daemon.listeners:
            if not dockerd.is_tcp(listener.text) or listener.span in seen:
                continue
            seen.add(listener.span)
            yield Finding(
                "SL201",
                listener.span,
                f"The engine listens on `{listener.text}` without `--tlsverify` "
                f"({daemon.origin}): anyone who reaches the port controls the "
                "engine, which is root on the host.",
                _TLS_ADVICE,
                f"{_described(daemon, facts)}|{listener.text}",
            )
    yield from _published_dind(facts, seen)


def _published_dind(facts: Facts, seen: set[Span]) -> Iterator[Finding]:
    for workload in facts.workloads:
        if not is_dind(workload):
            continue
        for port in workload.ports:
            if _port_number(port.container_port) != _PLAIN_PORT or port.span in seen:
                continue
            seen.add(port.span)
            yield Finding(
                "SL201",
                port.span,
                f"Docker-in-docker `{workload.name}` publishes its plaintext API "
                f"port `{_PLAIN_PORT}` on the host: anyone who reaches it "
                "controls that engine.",
                "Do not publish the engine port; let clients reach it over an "
                "internal network with TLS (`DOCKER_TLS_CERTDIR=/certs`, port "
                "2376).",
                f"{workload.name}|{_PLAIN_PORT}",
                image_of(workload),
            )


def _port_number(container_port: str) -> str:
    return container_port.split("/", 1)[0].strip()


def check_tls_without_client_auth(facts: Facts) -> Iterator[Finding]:
    seen: set[Span] = set()
    for daemon in facts.daemons:
        if daemon.tls is None or daemon.tlsverify is not None:
            continue
        if daemon.listeners and not any(
            dockerd.is_tcp(w.text) for w in daemon.listeners
        ):
            continue
        if daemon.tls in seen:
            continue
        seen.add(daemon.tls)
        yield Finding(
            "SL202",
            daemon.tls,
            f"The engine uses `--tls` without `--tlsverify` ({daemon.origin}): "
            "the connection is encrypted, but any client may connect and "
            "control the engine.",
            "Use `--tlsverify` with `--tlscacert` so only clients holding a "
            "certificate signed by your CA are let in.",
            _described(daemon, facts),
        )


def _described(daemon: DaemonConfig, facts: Facts) -> str:
    """What tells a daemon from the others of its file, without line
    numbers (a fingerprint must survive code moving): where it comes from,
    the workload whose command starts or writes it, and all it listens on."""
    workload = next(
        (c.runs_in for c in facts.commands if _within(daemon.span, c.span)), ""
    )
    listeners = ",".join(sorted(w.text for w in daemon.listeners))
    return f"{daemon.origin}|{workload}|{listeners}"


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def check_plaintext_client(facts: Facts) -> Iterator[Finding]:
    seen: set[Span] = set()
    for endpoint in facts.clients:
        host = endpoint.host
        if not dockerd.is_tcp(host.text) or endpoint.tls_verify:
            continue
        if host.span in seen or _reaches_internal_proxy(endpoint, facts):
            continue
        if _verified_by_certdir(endpoint, facts):
            continue
        seen.add(host.span)
        yield Finding(
            "SL203",
            host.span,
            f"A client is pointed at `{host.text}` without TLS verification "
            f"({endpoint.origin}): the engine behind it takes calls from anyone "
            "who reaches it, and the traffic can be read and changed.",
            "Reach the engine over SSH (`DOCKER_HOST=ssh://user@host`) or over "
            "TLS with `DOCKER_TLS_VERIFY=1` and client certificates; for a "
            "tool that only reads, point it at a socket proxy on an internal "
            "network.",
            host.text,
        )


# Host names people give a socket proxy: `socket-proxy`, `dockerproxy`,
# `docker-socket-proxy`, `socketproxy`.
_PROXY_NAME = re.compile(r"(docker|socket)[-_]?proxy")
_ENDPOINT = re.compile(r"^tcp://\[?(?P<host>[^\]/:]+)\]?(?::\d+)?/?$", re.I)


def _reaches_internal_proxy(endpoint: ClientEndpoint, facts: Facts) -> bool:
    """`DOCKER_HOST=tcp://socket-proxy:2375` to a recognised proxy of this
    file that shares an `internal` network with the client."""
    match = _ENDPOINT.match(endpoint.host.text.strip())
    if not match:
        return False
    name = match.group("host").lower()
    if _PROXY_NAME.search(name) and not any(_named(w, name) for w in facts.workloads):
        # A proxy run from another file (its own stack): its network is
        # judged there, as SL404.
        return True
    proxies = [w for w in facts.workloads if is_socket_proxy(w) and _named(w, name)]
    if not proxies:
        return False
    client = next((w for w in facts.workloads if w.name == endpoint.workload), None)
    if client is None:
        return False
    client_networks = {n.text for n in client.networks}
    for proxy in proxies:
        for network in proxy.networks:
            known = facts.networks.get(network.text)
            if network.text in client_networks and known is not None and known.internal:
                return True
    return False


def _named(workload: Workload, name: str) -> bool:
    names = {workload.name.lower()}
    names |= {v.lower() for k, v in workload.labels.items() if k in ("hostname",)}
    return name in names


def _verified_by_certdir(endpoint: ClientEndpoint, facts: Facts) -> bool:
    """The docker image's entrypoint turns on TLS verification itself when
    `DOCKER_TLS_CERTDIR` holds client certificates (port 2376)."""
    if not endpoint.host.text.rstrip("/").endswith(":2376"):
        return False
    client = next((w for w in facts.workloads if w.name == endpoint.workload), None)
    if client is None:
        return False
    certdir = client.env_value("DOCKER_TLS_CERTDIR")
    cert_path = client.env_value("DOCKER_CERT_PATH")
    return bool((certdir and certdir.value) or (cert_path and cert_path.value))


def check_dind_tls_disabled(facts: Facts) -> Iterator[Finding]:
    """`DOCKER_TLS_CERTDIR=""` on a dind. CI sources hand a job's variables
    to its service containers where the CI system does (GitLab), so one
    written setting may reach several dind workloads: the finding names
    those it reaches, and only those."""
    reached: dict[Span, list[Workload]] = {}
    for workload in facts.workloads:
        if not is_dind(workload):
            continue
        certdir = workload.env_value("DOCKER_TLS_CERTDIR")
        if certdir is None or (certdir.value or "").strip("'\" "):
            continue
        reached.setdefault(certdir.span, []).append(workload)

    for span, workloads in reached.items():
        names = ", ".join(f"`{w.name}`" for w in workloads)
        yield Finding(
            "SL204",
            span,
            f"`DOCKER_TLS_CERTDIR` is empty for docker-in-docker {names}: the "
            "daemon listens on plaintext port 2375 and anyone who reaches it "
            "controls it.",
            "Keep TLS on (`DOCKER_TLS_CERTDIR: /certs`, clients on "
            "`tcp://docker:2376` with `DOCKER_TLS_VERIFY=1`), or build without "
            "a daemon (Buildah, rootless BuildKit).",
            "DOCKER_TLS_CERTDIR|" + ",".join(sorted(w.name for w in workloads)),
            image_of(workloads[0]),
        )


def check_socket_relay(facts: Facts) -> Iterator[Finding]:
    for command in facts.commands:
        words = _relay_words(command)
        if not words:
            continue
        if argv.program(words[0].text) == "ssh":
            socket = _ssh_forwarded_socket(words)
        elif _listens_on_network(words):
            socket = _relayed_socket(words)
        else:
            socket = None
        if socket is None:
            continue
        yield Finding(
            "SL205",
            command.span,
            f"`{argv.program(words[0].text)}` relays the engine socket `{socket}` to "
            "the network: anyone who reaches the port controls the engine, "
            "which is root on the host.",
            "Remove the relay; reach the engine over SSH "
            "(`DOCKER_HOST=ssh://user@host`), or give the tool a socket proxy "
            "on an internal network with only the calls it needs.",
            f"{socket}",
        )
    yield from _configured_relays(facts)


def _configured_relays(facts: Facts) -> Iterator[Finding]:
    """Relays written as a program's configuration (nginx): the same
    exposure when a listener is on the network, unless every client must
    show a certificate."""
    for relay in facts.relays:
        socket = relay.target.text
        if relay.client_auth is not None or not _is_socket(socket):
            continue
        if not any(_listener_on_network(w.text) for w in relay.listeners):
            continue
        yield Finding(
            "SL205",
            relay.span,
            f"`{relay.program}` relays the engine socket `{socket}` to the "
            "network: anyone who reaches the port controls the engine, which "
            "is root on the host.",
            "Remove the relay; reach the engine over SSH "
            "(`DOCKER_HOST=ssh://user@host`), or give the tool a socket proxy "
            "on an internal network with only the calls it needs.",
            f"{socket}",
        )


def _listener_on_network(address: str) -> bool:
    """Any address or port; loopback too, as for socat. A unix socket
    (`unix:/path`, `/path`) is not the network."""
    return not address.startswith(("unix:", "/"))


def _relay_words(command: Command) -> list[Word]:
    words = command.words
    if words and argv.program(words[0].text) in (*_RELAYS, "ssh"):
        return words
    return []


# `-L`/`-R` after ssh's flags that take no value: `-nNTL 2375:/var/run/…`.
_SSH_FORWARD = re.compile(r"-[1246AaCfGgKkMNnqsTtVvXxYy]*[LR](?P<spec>.*)")


def _ssh_forwarded_socket(words: list[Word]) -> str | None:
    """`ssh -L 2375:/var/run/docker.sock host` (or `-R`): a TCP port on one
    side forwarded to the engine socket on the other. Loopback counts, as
    for socat: every local user reaches it. A unix socket forwarded to a
    unix socket (`-L /tmp/d.sock:/var/run/docker.sock`) is not a relay to
    the network."""
    for index, word in enumerate(words[1:], 1):
        forward = _SSH_FORWARD.fullmatch(word.text)
        if forward is None:
            continue
        spec = forward.group("spec")
        if not spec and index + 1 < len(words):
            spec = words[index + 1].text
        parts = spec.split(":")
        listen, target = parts[0], parts[-1]
        if len(parts) > 1 and not listen.startswith("/") and _is_socket(target):
            return target
    return None


_SOCAT_UNIX = re.compile(
    r"^(?:UNIX-CONNECT|UNIX-CLIENT|UNIX|GOPEN|UNIX-SENDTO):(?P<path>[^,]+)", re.I
)
_SOCAT_NET = re.compile(
    r"^(?:TCP\d?-LISTEN|TCP\d?-L|OPENSSL-LISTEN|SSL-L|UDP\d?-LISTEN|TCP\d?|"
    r"OPENSSL|SCTP-LISTEN|VSOCK-LISTEN)[:\-]",
    re.I,
)


def _relayed_socket(words: list[Word]) -> str | None:
    for word in words[1:]:
        match = _SOCAT_UNIX.match(word.text)
        path = match.group("path") if match else word.text
        if _is_socket(path):
            return path
        # ncat -c 'ncat -U /var/run/docker.sock', nc -e "socat - UNIX:…"
        for piece in re.split(r"[\s,'\"=]+", word.text):
            piece = _SOCAT_UNIX.sub(r"\g<path>", piece)
            if piece and _is_socket(piece):
                return piece
    return None


def _is_socket(path: str) -> bool:
    if not path.startswith(("/", "$", "~", "unix://")):
        return False
    return sockets.classify(path) is sockets.HostPath.SOCKET


def _listens_on_network(words: list[Word]) -> bool:
    program = argv.program(words[0].text)
    if program == "socat":
        return any(_SOCAT_NET.match(w.text) for w in words[1:])
    texts = [w.text for w in words[1:]]
    if "-U" in texts or "--unixsock" in texts:
        return False  # listening on a unix socket: not the network
    return any(
        t == "--listen" or re.fullmatch(r"-[a-km-zA-TV-Z]*l[a-zA-TV-Z]*", t)
        for t in texts
    )
