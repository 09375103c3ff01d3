"""Advice that fits what a workload is doing.

The knowledge is data: a table of use cases, each recognised by image names
and by the commands the workload runs, each with the safer alternative.
What a workload runs says more than what it is called, so commands are
matched first (builds before the rest: a CI job that also lists containers is
still a build job), then image and workload names (specific tools before the
generic `agent` and `runner` of CI images). The last use case matches
everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sockelint import argv
from sockelint.model import Command, Workload
from sockelint.roles import repository


@dataclass(frozen=True, slots=True)
class UseCase:
    name: str
    images: tuple[str, ...]  # substrings of the repository name
    programs: tuple[tuple[str, ...], ...]  # leading argv words it runs
    advice: str


USE_CASES: tuple[UseCase, ...] = (
    UseCase(
        "image builds in CI",
        (
            "=docker",
            "docker/",
            "dind",
            "gitlab-runner",
            "jenkins",
            "drone",
            "woodpecker",
            "actions-runner",
            "buildkite",
            "teamcity",
            "circleci",
            "agent",
            "runner",
        ),
        (("docker", "build"), ("docker", "push"), ("docker", "buildx")),
        "For image builds, use Buildah or rootless BuildKit (a remote BuildKit "
        "daemon reached over mutual TLS) instead of the host engine; Kaniko "
        "only from a maintained fork, as upstream was archived in June 2025.",
    ),
    UseCase(
        "restarts and updates",
        ("watchtower", "autoheal", "ouroboros", "diun", "shepherd"),
        (("docker", "restart"), ("docker", "update")),
        "Leave restarts and updates to the orchestrator's own lifecycle "
        "(restart policies, rolling updates). If a tool must do it, give it a "
        "socket proxy with only the write calls it needs, and know that write "
        "access to the API stays close to root.",
    ),
    UseCase(
        "dashboards, discovery, log and metric collectors",
        (
            "traefik",
            "portainer",
            "dozzle",
            "homepage",
            "cadvisor",
            "datadog",
            "promtail",
            "grafana/agent",
            "alloy",
            "telegraf",
            "filebeat",
            "fluent",
            "logspout",
            "vector",
            "netdata",
            "nginx-proxy",
            "docker-gen",
            "glances",
            "ctop",
            "uptime-kuma",
            "yacht",
            "dockge",
            "newrelic",
            "sysdig",
            "scope",
            "node-exporter",
            "otel",
            "caddy",
        ),
        (
            ("docker", "ps"),
            ("docker", "inspect"),
            ("docker", "logs"),
            ("docker", "stats"),
            ("docker", "events"),
        ),
        "Put a socket proxy (tecnativa/docker-socket-proxy or "
        "linuxserver/socket-proxy) on an `internal: true` network and allow "
        "only the read calls this tool needs (for example CONTAINERS=1), then "
        "point it at the proxy with DOCKER_HOST=tcp://socket-proxy:2375.",
    ),
    UseCase(
        "image pulls",
        (),
        (("docker", "pull"),),
        "Pre-pull the images it needs before it starts (or use init "
        "containers in Kubernetes) instead of giving it the engine.",
    ),
    UseCase(
        "unknown",
        (),
        (),
        "Remove the mount if the workload does not need the engine; if it "
        "only reads container state, give it a socket proxy on an internal "
        "network with read-only flags instead.",
    ),
)


def use_case(workload: Workload | None) -> UseCase:
    if workload is None:
        return USE_CASES[-1]
    cases = {case.name: case for case in USE_CASES}
    programs = {_verb(command) for command in workload.commands}
    for name in _BY_COMMAND:
        if programs & set(cases[name].programs):
            return cases[name]

    image = repository(workload.image.text) if workload.image else ""
    workload_name = workload.name.lower()
    for name in _BY_IMAGE:
        if any(_names(part, image, workload_name) for part in cases[name].images):
            return cases[name]
    return USE_CASES[-1]


_BY_COMMAND = (
    "image builds in CI",
    "restarts and updates",
    "dashboards, discovery, log and metric collectors",
    "image pulls",
)
_BY_IMAGE = (
    "restarts and updates",
    "dashboards, discovery, log and metric collectors",
    "image builds in CI",
)


def advise(workload: Workload | None) -> str:
    return use_case(workload).advice


_ENGINE_CLIENTS = frozenset(
    {"docker", "podman", "nerdctl", "docker-compose", "podman-compose"}
)
# Words between the program and the verb: `docker compose build`,
# `docker image build`, `podman container logs`.
_GROUPS = frozenset({"compose", "image", "container", "builder"})
# Options of those groups that take a value (`docker compose -f x.yml build`).
_VALUED = frozenset(
    {
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--profile",
        "--env-file",
        "--project-directory",
        "-H",
        "--host",
        "-c",
        "--context",
        "--ansi",
        "--progress",
        "--parallel",
        "--log-level",
    }
)


def _verb(command: Command) -> tuple[str, ...]:
    """(`docker`, verb) for any engine client, spelt any way (`podman
    build`, `docker compose -f ci.yml build`, `docker-compose pull`); the
    first two words of any other command."""
    words = command.argv
    if not words or argv.program(words[0]) not in _ENGINE_CLIENTS:
        return tuple(words[:2])

    index = 1
    while index < len(words):
        word = words[index]
        if word in _GROUPS:
            index += 1
        elif word.startswith("-"):
            index += 2 if word in _VALUED else 1
        else:
            return ("docker", word)
    return ("docker",)


def _names(part: str, image: str, name: str) -> bool:
    """`=docker` matches that repository exactly; others match where a word
    starts (`otel` in `otel/opentelemetry-collector`, not in `hotel`)."""
    if part.startswith("="):
        return image == part[1:]
    starts_word = re.compile(r"(?<![a-z0-9])" + re.escape(part))
    return starts_word.search(image) is not None or starts_word.search(name) is not None
