"""Facts that follow from other facts, derived once for every source.

Sources only record what is written: commands, workloads, their environment.
Here a `docker run` command becomes a workload, a `dockerd` command a daemon
config, a script that writes a daemon config file that config, and a
`DOCKER_HOST` in a workload's environment a client endpoint, whatever file
they came from.
"""

from __future__ import annotations

from sockelint import daemonconfig, dockercli, endpoints
from sockelint.model import Facts


def complete(facts: Facts) -> Facts:
    for command in list(facts.commands):
        dockercli.interpret(command, facts)
    facts.daemons += daemonconfig.daemon_configs_from_commands(facts)

    for workload in facts.workloads:
        origin = f"{workload.origin} environment"
        endpoint = endpoints.client_from_env(workload.env, origin, workload.name)
        if endpoint is not None:
            facts.clients.append(endpoint)
    return facts
