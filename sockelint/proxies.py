"""Which images are socket proxies: the pattern sockelint recommends.

A recognised proxy holding the socket is not an SL101 finding; the SL4xx
rules judge what it lets through instead.
"""

from __future__ import annotations

import re

from sockelint.model import Workload

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


def repository(image: str) -> str:
    """`ghcr.io/tecnativa/docker-socket-proxy:0.3@sha256:…` → the repo name."""
    image = image.strip().strip("'\"").lower()
    image = image.split("@", 1)[0]
    image = _REGISTRY.sub("", image)
    if ":" in image.rsplit("/", 1)[-1]:
        image = image.rsplit(":", 1)[0]
    return image.removeprefix("library/")


def is_socket_proxy(workload: Workload) -> bool:
    if workload.image is None:
        return False
    return repository(workload.image.text) in _PROXY_IMAGES
