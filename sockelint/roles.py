"""What a workload is, by its image and what it runs: a socket proxy (the
pattern sockelint recommends) or a docker-in-docker engine.

A recognised proxy holding the socket is not an SL101 finding; the SL4xx
rules judge what it lets through instead. A docker-in-docker is judged by
the SL2xx rules as an engine, and the host rules treat its privilege as
expected.
"""

from __future__ import annotations

import re

from sockelint import argv
from sockelint.model import Command, Workload

# Repository names, matched without registry host and tag.
_PROXY_IMAGES = (
    "tecnativa/docker-socket-proxy",
    "linuxserver/socket-proxy",
    "wollomatic/socket-proxy",
    "fluencelabs/docker-socket-proxy",
    "11notes/socket-proxy",
    "yusing/socket-proxy",
    "mjmccans/docker-socket-proxy",
)
_REGISTRY = re.compile(r"^(?:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?|localhost(?::\d+)?)/")
# CI build plugins whose image starts its own dockerd before building, so
# they ask for `privileged: true` exactly as a dind service does. Each one
# was checked against its own source or documentation.
_ENGINE_PLUGINS = (
    # drone-plugins/drone-docker: "uses Docker-in-Docker"; one binary per
    # registry, each image's entrypoint is `dockerd-entrypoint.sh`.
    "plugins/docker",
    "plugins/ecr",
    "plugins/gcr",
    "plugins/gar",
    "plugins/acr",
    # FROM plugins/docker, entrypoint dockerd-entrypoint.sh + drone-heroku.
    "plugins/heroku",
    # drone-plugins/drone-buildx: Docker-in-Docker with buildx.
    "plugins/buildx",
    # thegeeklab's buildx plugins start /usr/local/bin/dockerd themselves
    # ("the integrated Docker daemon is not able to start" unprivileged).
    "thegeeklab/drone-docker-buildx",
    "thegeeklab/wp-docker-buildx",
    # Woodpecker's fork of the above: its plugin/daemon.go starts dockerd.
    "woodpeckerci/plugin-docker-buildx",
)
# Programs that start an engine inside a container.
DOCKERD_PROGRAMS = frozenset(
    {"dockerd", "dockerd-entrypoint.sh", "dockerd-rootless.sh"}
)


def repository(image: str) -> str:
    """`ghcr.io/tecnativa/docker-socket-proxy:0.3@sha256:…` → the repo name."""
    image = image.strip().strip("'\"").lower()
    image = image.split("@", 1)[0]
    image = _REGISTRY.sub("", image)
    if ":" in image.rsplit("/", 1)[-1]:
        image = image.rsplit(":", 1)[0]
    return image.removeprefix("library/")


# Images whose entrypoint is one program, so the command written for the
# container is that program's arguments (`alpine/socat tcp-listen:2375,...`).
_ENTRYPOINTS = {"socat": "socat"}


def entrypoint(workload: Workload) -> str | None:
    """The program the workload's image runs its command with, if known."""
    if workload.image is None:
        return None
    return _ENTRYPOINTS.get(repository(workload.image.text).rsplit("/", 1)[-1])


def is_socket_proxy(workload: Workload) -> bool:
    if workload.image is None:
        return False
    return repository(workload.image.text) in _PROXY_IMAGES


def is_dind(workload: Workload) -> bool:
    """Docker-in-docker: a `*dind*` image, a build plugin that starts its
    own engine, or a container that runs dockerd."""
    if workload.image is not None:
        image = workload.image.text.lower()
        name = repository(image)
        tag = image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else ""
        if "dind" in name or (name == "docker" and "dind" in tag):
            return True
        if name in _ENGINE_PLUGINS:
            return True
    return any(runs_dockerd(c) for c in workload.commands)


def runs_dockerd(command: Command) -> bool:
    return bool(command.argv) and argv.program(command.argv[0]) in DOCKERD_PROGRAMS
