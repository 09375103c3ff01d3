"""The rule registry: one literal table, the single source of rule metadata.

Ids are stable and banded by family; names are kebab-case; both are accepted
wherever a rule is named. Each rule's check reads `Facts` and yields
`Finding`s; it never looks at a file format. A rule about the suppression
comments themselves (SL001) has no check here: it needs the findings before
suppression, so the engine reports it after running the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sockelint.finding import Finding
from sockelint.model import Facts
from sockelint.rules import daemon, host, invalid, mounts, proxy

Check = Callable[[Facts], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: str  # error, warning, note
    summary: str
    # None: reported by the engine after suppression, not from the facts.
    check: Check | None


RULES: tuple[Rule, ...] = (
    Rule(
        "SL000",
        "invalid-file",
        "error",
        "A file of a known kind could not be read or parsed.",
        invalid.check_invalid_file,
    ),
    Rule(
        "SL001",
        "unused-suppression",
        "warning",
        "An inline `sockelint: ignore` comment silences nothing.",
        None,
    ),
    Rule(
        "SL101",
        "engine-socket-mount",
        "error",
        "An engine socket is bind-mounted into a workload.",
        mounts.check_socket_mount,
    ),
    Rule(
        "SL102",
        "read-only-socket-trust",
        "warning",
        "A socket mount is read-only, which leaves the engine API fully usable.",
        mounts.check_read_only_trust,
    ),
    Rule(
        "SL103",
        "runtime-dir-mount",
        "error",
        "A directory that holds an engine socket is mounted into a workload.",
        mounts.check_runtime_dir_mount,
    ),
    Rule(
        "SL104",
        "host-root-mount",
        "error",
        "The host's root directory is mounted into a workload.",
        mounts.check_host_root_mount,
    ),
    Rule(
        "SL201",
        "plaintext-daemon",
        "error",
        "An engine listens on TCP without `--tlsverify`.",
        daemon.check_plaintext_daemon,
    ),
    Rule(
        "SL202",
        "tls-without-client-auth",
        "error",
        "An engine uses `--tls` without `--tlsverify`: server TLS only, anyone "
        "can connect.",
        daemon.check_tls_without_client_auth,
    ),
    Rule(
        "SL203",
        "plaintext-client",
        "warning",
        "A client is pointed at `tcp://…` without TLS verification.",
        daemon.check_plaintext_client,
    ),
    Rule(
        "SL204",
        "dind-tls-disabled",
        "warning",
        "Docker-in-docker runs with TLS turned off.",
        daemon.check_dind_tls_disabled,
    ),
    Rule(
        "SL205",
        "socket-relay",
        "error",
        "An engine socket is relayed to the network.",
        daemon.check_socket_relay,
    ),
    Rule(
        "SL301",
        "socket-permissions",
        "error",
        "An engine socket is made reachable by other users.",
        host.check_socket_permissions,
    ),
    Rule(
        "SL302",
        "docker-group-grant",
        "warning",
        "A user or container is added to the docker group.",
        host.check_docker_group_grant,
    ),
    Rule(
        "SL303",
        "privileged-engine",
        "warning",
        "A privileged container runs or reaches an engine.",
        host.check_privileged_engine,
    ),
    Rule(
        "SL401",
        "proxy-allows-create",
        "error",
        "A socket proxy allows POST together with containers: creating a "
        "container is root.",
        proxy.check_allows_create,
    ),
    Rule(
        "SL402",
        "proxy-allows-dangerous",
        "warning",
        "A socket proxy allows exec, build, auth, secrets, plugins, swarm writes "
        "or system calls.",
        proxy.check_allows_dangerous,
    ),
    Rule(
        "SL403",
        "proxy-published",
        "error",
        "A socket proxy's port is published on the host.",
        proxy.check_published,
    ),
    Rule(
        "SL404",
        "proxy-network-open",
        "warning",
        "A socket proxy sits on a network that is not internal.",
        proxy.check_network_open,
    ),
)

BY_KEY: dict[str, Rule] = {r.id: r for r in RULES} | {r.name: r for r in RULES}


def lookup(key: str) -> Rule | None:
    """A rule by id (any case) or name."""
    return BY_KEY.get(key.upper()) or BY_KEY.get(key.lower())
