"""The fixture coverage matrix: every rule in every kind of source it applies to.

A rule written once against the model is only as good as the sources that
feed it, so each (kind, rule) pair below needs a fixture that expects the
finding, and a near-miss fixture of that kind that expects none: a clean
fixture in a folder whose name carries the rule id (`matrix-SL201-...`).
Every kind also needs at least one clean fixture. The table is explicit so
that the matrix cannot shrink unnoticed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from fixture_harness import FIXTURES, expected, fixture_files
from sockelint import kinds

_MOUNTS = ("SL101", "SL102", "SL103", "SL104")
_NETWORK = ("SL201", "SL202", "SL203", "SL204", "SL205")
_HOST = ("SL301", "SL302", "SL303")
_PROXY = ("SL401", "SL402", "SL403", "SL404")
# Anything that runs shell commands can mount, listen, relay, chmod and
# grant: workloads started with `docker run`, dockerd started by hand.
_SCRIPTED = ("SL000", *_MOUNTS, *_NETWORK, *_HOST)

APPLIES: dict[str, tuple[str, ...]] = {
    "compose": (*_SCRIPTED, *_PROXY),
    "shell": (*_SCRIPTED, *_PROXY),
    "makefile": (*_SCRIPTED, *_PROXY),
    # Snippets in docs are often partial: a fence's parse error is not the
    # page's, so no SL000 here (see matrix-SL000-broken-fence-near-miss).
    "markdown": (*_MOUNTS, *_NETWORK, *_HOST, *_PROXY),
    # Pods share no compose-style networks; who reaches a pod is a matter of
    # NetworkPolicy, which SL404 does not read.
    "kubernetes": (*_SCRIPTED, "SL401", "SL402", "SL403"),
    "helm": (*_SCRIPTED, "SL401", "SL402", "SL403"),
    # Image builds, CI jobs and dev containers do not declare long-running
    # socket proxies; their scripts can do everything else.
    "dockerfile": _SCRIPTED,
    "github-actions": _SCRIPTED,
    "gitlab-ci": _SCRIPTED,
    "jenkins": _SCRIPTED,
    "drone": _SCRIPTED,
    "woodpecker": _SCRIPTED,
    "azure-pipelines": _SCRIPTED,
    "circleci": _SCRIPTED,
    # Bitbucket refuses `privileged` and host mounts in its own YAML, but a
    # step's script still runs `docker run` (and the matrix says so).
    "bitbucket-pipelines": _SCRIPTED,
    "devcontainer": _SCRIPTED,
    # The docker executor's job containers: volumes, privileged, the
    # runner's own client `host`.
    "gitlab-runner": ("SL000", *_MOUNTS, "SL203", "SL303"),
    "inspect": (
        "SL000",
        *_MOUNTS,
        "SL201",
        "SL203",
        "SL204",
        "SL302",
        "SL303",
        *_PROXY,
    ),
    "daemon-json": ("SL000", "SL201", "SL202"),
    # Unit files and /etc/default/docker are read line by line: nothing in
    # them can fail to parse (a command line the shell parser trips on is
    # systemd's syntax, not an error). A service's `ExecStart=docker run`
    # can start anything, a long-running socket proxy included.
    "systemd": (*_MOUNTS, *_NETWORK, *_HOST, *_PROXY),
    # Quadlet units are systemd units whose `[Container]` is `podman run`;
    # a `Network=` names a `.network` unit, always another file and so
    # unknown here, so SL404 judges only containers on the default network
    # (or `Network=host`).
    "quadlet": (*_MOUNTS, *_NETWORK, *_HOST, *_PROXY),
    "default-docker": ("SL201", "SL202"),
    # Container tasks (with `docker_network` for `internal`), shell tasks,
    # daemon configs written by `copy`/`lineinfile`, `file` and `user`.
    "ansible": (*_SCRIPTED, *_PROXY),
    # `runcmd`/`bootcmd` scripts, daemon configs and compose files written
    # by `write_files` (a proxy among them), `users` in the docker group.
    "cloud-init": (*_SCRIPTED, *_PROXY),
    # docker_container resources run commands, boot scripts run on hosts,
    # and a proxy container's networks and ports are read.
    "terraform": (*_SCRIPTED, *_PROXY),
    # Nomad tasks sit on no compose-style network and their ports are
    # labels of the group's `network` block, which is not read.
    "nomad": (*_SCRIPTED, "SL401", "SL402"),
    # Task runners run shell lines: anything a script can do, a proxy
    # started with `docker run` included.
    "taskfile": (*_SCRIPTED, *_PROXY),
    # Recipes are read line by line: nothing in a justfile fails to parse
    # (a line the shell cannot read fails that recipe when it runs).
    "justfile": (*_MOUNTS, *_NETWORK, *_HOST, *_PROXY),
    # npm runs each `scripts` value through `sh -c`; a broken package.json
    # that has scripts is SL000 (one without is not parsed).
    "package-json": (*_SCRIPTED, *_PROXY),
    # A `.env` only sets variables: a `DOCKER_HOST` for the folder's clients.
    "dotenv": ("SL203",),
    # Image builds: the docker builder's container and provisioner scripts;
    # no long-running socket proxy is declared there.
    "packer": _SCRIPTED,
    # nginx passes traffic on; a `proxy_pass` to an engine socket is a relay.
    "nginx": ("SL000", "SL205"),
}

_RULE_IN_FOLDER = re.compile(r"SL\d{3}")


def _matrix() -> tuple[
    dict[tuple[str, str], list[str]],
    dict[tuple[str, str], list[str]],
    dict[str, list[str]],
]:
    """Positive fixtures per (kind, rule), near misses per (kind, rule) and
    clean fixtures per kind."""
    positive: dict[tuple[str, str], list[str]] = defaultdict(list)
    near_miss: dict[tuple[str, str], list[str]] = defaultdict(list)
    clean: dict[str, list[str]] = defaultdict(list)
    for path in fixture_files():
        relative = path.relative_to(FIXTURES).as_posix()
        text = path.read_text(encoding="utf-8")
        kind = kinds.kind_of(relative, text[:4096])
        if kind is None:
            continue

        findings = expected(path, text)
        for _, rule in findings:
            positive[(kind, rule)].append(relative)

        if not findings:
            clean[kind].append(relative)
            for rule in _rules_named_in_folders(path):
                near_miss[(kind, rule)].append(relative)
    return positive, near_miss, clean


def _rules_named_in_folders(path: Path) -> set[str]:
    folders = path.relative_to(FIXTURES).parts[:-1]
    return {
        rule
        for folder in folders
        if folder.startswith(("matrix-", *(f"{k}-matrix-" for k in APPLIES)))
        for rule in _RULE_IN_FOLDER.findall(folder)
    }


_POSITIVE, _NEAR_MISS, _CLEAN = _matrix()
_PAIRS = [(kind, rule) for kind, rules in APPLIES.items() for rule in rules]
# Any clean fixture of a kind is a near miss for SL000.
_NEAR_MISS_PAIRS = [(kind, rule) for kind, rule in _PAIRS if rule != "SL000"]


def _ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{kind}-{rule}" for kind, rule in pairs]


def test_every_source_kind_is_in_the_table() -> None:
    from sockelint.sources import MODULES

    assert set(APPLIES) == set(MODULES)


@pytest.mark.parametrize(("kind", "rule"), _PAIRS, ids=_ids(_PAIRS))
def test_pair_has_a_positive_fixture(kind: str, rule: str) -> None:
    assert _POSITIVE.get((kind, rule)), f"no {kind} fixture expects {rule}"


@pytest.mark.parametrize(("kind", "rule"), _NEAR_MISS_PAIRS, ids=_ids(_NEAR_MISS_PAIRS))
def test_pair_has_a_near_miss_fixture(kind: str, rule: str) -> None:
    assert _NEAR_MISS.get((kind, rule)), (
        f"no clean {kind} fixture in a `matrix-{rule}-...` folder"
    )


@pytest.mark.parametrize("kind", sorted(APPLIES))
def test_kind_has_a_clean_fixture(kind: str) -> None:
    assert _CLEAN.get(kind), f"no {kind} fixture without findings"
