"""Facts that follow from other facts, derived once for every source.

Sources only record what is written: commands, workloads, their environment.
Here a `docker run` command becomes a workload, a `dockerd` command a daemon
config, a script that writes a daemon config file that config, and a
`DOCKER_HOST` in a workload's environment a client endpoint, whatever file
they came from.
"""

from __future__ import annotations

from sockelint import argv, daemonconfig, dockercli, dockerd, endpoints, roles
from sockelint.model import DaemonConfig, Facts, Word, Workload


def complete(facts: Facts) -> Facts:
    for command in list(facts.commands):
        dockercli.interpret(command, facts)
    facts.daemons += daemonconfig.daemon_configs_from_commands(facts)

    for workload in facts.workloads:
        _run_by_entrypoint(workload)
        if roles.is_dind(workload):
            facts.daemons += _dind_daemons(workload)
        origin = f"{workload.origin} environment"
        facts.clients += endpoints.clients_from_env(workload.env, origin, workload.name)
        facts.clients += endpoints.workload_tool_clients(workload)
    facts.clients += endpoints.host_tool_clients(facts.commands)
    return facts


def _run_by_entrypoint(workload: Workload) -> None:
    """`image: alpine/socat` with `command: tcp-listen:2375,fork ...` runs
    `socat tcp-listen:...`: put the image's program in front of the
    container's command, so rules see what runs. A Dockerfile stage's
    commands are build steps, not the container's command."""
    program = roles.entrypoint(workload)
    if program is None or not workload.commands or workload.image is None:
        return
    if workload.entrypoint_replaced:
        return
    if workload.origin == "dockerfile stage":
        return
    container = workload.commands[0]
    if container.words and argv.program(container.words[0].text) == program:
        return
    container.words.insert(0, Word(program, workload.image.span, ""))


def _dind_daemons(workload: Workload) -> list[DaemonConfig]:
    """A docker-in-docker image's entrypoint hands flag arguments on to
    dockerd: `command: ["--tls=false"]` configures the engine inside."""
    daemons: list[DaemonConfig] = []
    for command in workload.commands:
        # `dockerd -H ...` written out is a daemon of dockercli's already.
        words = command.words
        if words and words[0].text.startswith("-"):
            origin = f"dind `{workload.name}`"
            daemons.append(dockerd.daemon_from_flags(words, command.span, origin))
    return daemons
