"""SL401-SL404: socket proxies that let too much through.

A socket proxy is the pattern sockelint recommends, so its own socket mount
is not an SL101. What matters instead is what it lets through (its flags),
who can reach it (published ports) and where it sits (an internal network).
Flags follow tecnativa/docker-socket-proxy and linuxserver/socket-proxy:
an environment variable per API section, `1` to allow it, and `POST=1` to
allow writes at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from sockelint import truth
from sockelint.finding import Finding, image_of
from sockelint.model import EnvVar, Facts, Workload
from sockelint.roles import is_socket_proxy
from sockelint.span import Span

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Sections that only matter once writes are allowed (POST=1): with POST=0
# the proxy answers them read-only.
_WRITE_SECTIONS = {
    "EXEC": "exec runs commands in any running container",
    "CONTAINERS_EXEC": "exec runs commands in any running container",
    "BUILD": "a build can run any command with the engine's privileges",
    "AUTH": "auth hands over registry credentials",
    "SWARM": "swarm writes let it join or reconfigure the cluster",
    "SYSTEM": "system calls prune and reconfigure the engine",
}
# Sections dangerous even to read.
_READ_SECTIONS = {
    "SECRETS": "secrets exposes the cluster's secret objects",
    "PLUGINS": "plugins can install code that runs as root on the host",
}


def _flag(workload: Workload, name: str) -> EnvVar | None:
    var = workload.env_value(name)
    if var is None or not truth.env_on(var.value):
        return None
    return var


def _proxies(facts: Facts) -> Iterator[Workload]:
    return (w for w in facts.workloads if is_socket_proxy(w))


def check_allows_create(facts: Facts) -> Iterator[Finding]:
    for proxy in _proxies(facts):
        post = _flag(proxy, "POST")
        containers = _flag(proxy, "CONTAINERS")
        if post is None or containers is None:
            continue
        yield Finding(
            "SL401",
            post.span,
            f"The socket proxy `{proxy.name}` allows `POST` together with "
            "`CONTAINERS`: its clients can create a privileged container with "
            "the host's `/` mounted, which is root on the host.",
            "Set `POST=0`. If a client must start or restart containers, allow "
            "only those calls (`ALLOW_START`, `ALLOW_STOP`, `ALLOW_RESTARTS`) "
            "and never container creation.",
            f"{proxy.name}|POST",
            image_of(proxy),
        )


def check_allows_dangerous(facts: Facts) -> Iterator[Finding]:
    for proxy in _proxies(facts):
        writes = _flag(proxy, "POST") is not None
        sections = dict(_READ_SECTIONS)
        if writes:
            sections |= _WRITE_SECTIONS
        for name, why in sections.items():
            var = _flag(proxy, name)
            if var is None:
                continue
            yield Finding(
                "SL402",
                var.span,
                f"The socket proxy `{proxy.name}` allows `{name}`: {why}.",
                f"Set `{name}=0` unless a client cannot work without it, and "
                "then give that client a proxy of its own.",
                f"{proxy.name}|{name}",
                image_of(proxy),
            )


def check_published(facts: Facts) -> Iterator[Finding]:
    for proxy in _proxies(facts):
        for port in proxy.ports:
            if port.host_port is None:
                continue
            where = "on every interface of the host"
            if (port.host_ip or "") in _LOOPBACK:
                where = "on the host's loopback, to every local user and process"
            yield Finding(
                "SL403",
                port.span,
                f"The socket proxy `{proxy.name}` publishes its API port "
                f"{where}: whoever reaches it gets every call the proxy allows, "
                "without any authentication.",
                "Remove the published port; let clients reach the proxy by "
                "service name over an `internal: true` network.",
                f"{proxy.name}|{port.container_port}",
                image_of(proxy),
            )


def check_network_open(facts: Facts) -> Iterator[Finding]:
    for proxy in _proxies(facts):
        span = _open_network(proxy, facts)
        if span is None:
            continue
        yield Finding(
            "SL404",
            span,
            f"The socket proxy `{proxy.name}` sits on a network that is not "
            "internal: every container on it, and the outside through it, can "
            "reach the engine API the proxy exposes.",
            "Put the proxy and its clients on a network of their own with "
            "`internal: true` (`docker network create --internal`).",
            f"{proxy.name}|network",
            image_of(proxy),
        )


def _open_network(proxy: Workload, facts: Facts) -> Span | None:
    """Where the proxy is put on an open network, or None."""
    if not proxy.on_container_network:
        return None

    mode = proxy.network_mode.text if proxy.network_mode else ""
    if mode == "none" or mode.startswith(("container:", "service:")):
        return None  # no network, or another container's namespace
    if mode in ("host", "bridge", "default") and proxy.network_mode:
        return proxy.network_mode.span
    if not proxy.networks:
        return proxy.extent or proxy.span  # the default network

    for network in proxy.networks:
        known = facts.networks.get(network.text)
        if known is not None and not known.internal:
            return network.span
    return None
