"""devcontainer.json: JSON with comments, mounts, runArgs and features."""

from __future__ import annotations

import pytest

from sockelint import engine, jsonspans
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Facts
from sockelint.rules import RULES
from sockelint.sources import devcontainer
from sockelint.span import Span

PATH = ".devcontainer/devcontainer.json"


def facts(text: str) -> Facts:
    return devcontainer.parse(Document(PATH, text, "devcontainer"))


def rules(text: str) -> list[tuple[int, str]]:
    findings = engine.check(Document(PATH, text, "devcontainer"), RULES)
    return [(f.span.line, f.rule) for f in findings]


def test_trailing_commas_only_on_request() -> None:
    text = '{"a": [1, 2,],}'

    root = jsonspans.parse(text, Excerpt.whole("x", text), trailing_commas=True)

    assert root.get("a") is not None
    with pytest.raises(jsonspans.JsonError):
        jsonspans.parse(text, Excerpt.whole("x", text))
    with pytest.raises(jsonspans.JsonError):
        jsonspans.parse("[,]", Excerpt.whole("x", "[,]"), trailing_commas=True)


def test_one_workload_with_name_image_and_origin() -> None:
    text = '{\n  "name": "dev",\n  "image": "base:1",\n}\n'

    (workload,) = facts(text).workloads

    assert (workload.name, workload.origin) == ("dev", "devcontainer")
    assert workload.image is not None and workload.image.text == "base:1"
    assert workload.span == Span(PATH, 2, 3, 2, 9)


def test_string_mount_points_at_the_entry() -> None:
    text = (
        "{\n"
        '  "mounts": [\n'
        '    "source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind",\n'
        "  ],\n"
        "}\n"
    )

    (mount,) = facts(text).workloads[0].mounts

    assert mount.host_path == "/var/run/docker.sock"
    assert mount.kind == "devcontainer"
    assert (mount.span.line, mount.span.column) == (3, 5)


def test_local_env_variables_are_understood() -> None:
    text = (
        '{"mounts": ["source=${localEnv:XDG_RUNTIME_DIR}/docker.sock,'
        'target=/var/run/docker.sock,type=bind"]}'
    )

    assert rules(text) == [(1, "SL101")]


def test_object_mount() -> None:
    text = (
        '{"mounts": [\n'
        '  {"source": "/run", "target": "/host/run", "type": "bind"},\n'
        '  {"source": "cache", "target": "/cache", "type": "volume"}\n'
        "]}"
    )

    assert rules(text) == [(2, "SL103")]


def test_run_args_read_like_docker_run() -> None:
    text = '{"runArgs": ["--volume=/var/run/docker.sock:/var/run/docker.sock:ro"]}'

    found = rules(text)

    assert found == [(1, "SL101"), (1, "SL102")]


def test_outside_of_docker_feature_is_a_socket_mount_at_its_key() -> None:
    text = (
        '{\n  "features": {\n'
        '    "ghcr.io/devcontainers/features/docker-outside-of-docker:1": {}\n'
        "  }\n}\n"
    )

    (mount,) = facts(text).workloads[0].mounts

    assert mount.host_path == "/var/run/docker.sock"
    assert mount.span == Span(PATH, 3, 5, 3, 64)


def test_old_feature_ids() -> None:
    for key in ("docker-from-docker", "ghcr.io/x/docker-from-docker@sha256:ab"):
        text = '{"features": {"' + key + '": "latest"}}'
        assert rules(text) == [(1, "SL101")]
    assert rules('{"features": {"docker-in-docker": "latest"}}') == [(1, "SL303")]


def test_feature_switched_off() -> None:
    text = '{"features": {"ghcr.io/devcontainers/features/docker-in-docker:2": false}}'

    assert rules(text) == []


def test_docker_host_in_container_env() -> None:
    text = '{"containerEnv": {"DOCKER_HOST": "tcp://10.0.0.1:2375"}}'

    assert rules(text) == [(1, "SL203")]


def test_lifecycle_commands_run_through_the_shell_source() -> None:
    text = (
        '{"name": "d",\n"postStartCommand": {"a": "sudo chmod 666 /run/docker.sock"}}'
    )

    result = facts(text)

    assert result.commands[0].runs_in == "d"
    assert rules(text) == [(2, "SL301")]


def test_invalid_json_is_sl000_at_its_line() -> None:
    assert rules('{\n  "image": nope\n}\n') == [(2, "SL000")]


def test_not_an_object_is_nothing() -> None:
    assert facts("[]").workloads == []
