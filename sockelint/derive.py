"""Facts that follow from other facts, derived once for every source.

Sources only record what is written: commands, workloads, their environment.
Here a `docker run` command becomes a workload, a `dockerd` command a daemon
config, and a `DOCKER_HOST` in a workload's environment a client endpoint,
whatever file they came from.
"""

from __future__ import annotations

from sockelint import dockercli
from sockelint.model import ClientEndpoint, Facts, Word, Workload
from sockelint.sources import daemon

_FALSE = {"", "0", "false", "no", "off"}


def complete(facts: Facts) -> Facts:
    for command in list(facts.commands):
        dockercli.interpret(command, facts)
    facts.daemons += daemon.daemon_configs_from_commands(facts)

    for workload in facts.workloads:
        facts.clients += _clients_of(workload)
    return facts


def _clients_of(workload: Workload) -> list[ClientEndpoint]:
    host = workload.env_value("DOCKER_HOST")
    if host is None or not host.value:
        return []
    verify = workload.env_value("DOCKER_TLS_VERIFY")
    verified = verify is not None and (verify.value or "").lower() not in _FALSE
    span = host.value_span or host.span
    return [
        ClientEndpoint(
            Word(host.value, span, host.value),
            verified,
            f"{workload.origin} environment",
            workload.name,
        )
    ]
