"""`docker inspect` output as workloads."""

from __future__ import annotations

import pytest

from sockelint import kinds
from sockelint.document import Document
from sockelint.sources import inspect

_OUTPUT = """[
  {
    "Name": "/agent",
    "Config": {
      "Image": "example/agent:1",
      "Env": ["A=1", "DOCKER_HOST=tcp://10.0.0.1:2375"],
      "Cmd": ["dockerd", "-H", "tcp://0.0.0.0:2375"]
    },
    "HostConfig": {
      "Binds": ["/var/run/docker.sock:/var/run/docker.sock:ro", "data:/data"],
      "Privileged": true,
      "GroupAdd": ["docker"],
      "PortBindings": {"2375/tcp": [{"HostIp": "127.0.0.1", "HostPort": "2375"}]}
    },
    "Mounts": [
      {"Type": "bind", "Source": "/var/run/docker.sock",
       "Destination": "/var/run/docker.sock", "RW": false},
      {"Type": "bind", "Source": "/", "Destination": "/host", "RW": true},
      {"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data",
       "Destination": "/data", "RW": true}
    ]
  }
]"""


def test_container_becomes_a_workload() -> None:
    facts = inspect.parse(Document("inspect.json", _OUTPUT, "inspect"))
    (workload,) = facts.workloads

    assert workload.name == "agent"
    assert workload.image is not None and workload.image.text == "example/agent:1"
    assert workload.privileged is not None and workload.privileged.line == 11
    assert [g.text for g in workload.groups] == ["docker"]
    assert [(p.container_port, p.host_port, p.host_ip) for p in workload.ports] == [
        ("2375", "2375", "127.0.0.1")
    ]
    docker_host = workload.env_value("DOCKER_HOST")
    assert docker_host is not None and docker_host.value == "tcp://10.0.0.1:2375"
    assert facts.commands[0].argv[0] == "dockerd"


def test_binds_first_then_other_bind_mounts() -> None:
    facts = inspect.parse(Document("inspect.json", _OUTPUT, "inspect"))
    mounts = facts.workloads[0].mounts

    assert [(m.host_path, m.target) for m in mounts] == [
        ("/run/docker.sock", "/var/run/docker.sock"),
        (None, "/data"),
        ("/", "/host"),
    ]
    assert mounts[0].read_only is not None and mounts[0].span.line == 10


@pytest.mark.parametrize("text", ["[", "[1, 2]", "{}", '[{"Mounts": 3}]', "[null]"])
def test_odd_output_never_raises(text: str) -> None:
    facts = inspect.parse(Document("inspect.json", text, "inspect"))
    assert all(not w.mounts for w in facts.workloads)


def test_broken_json_is_a_problem_with_a_line() -> None:
    facts = inspect.parse(Document("inspect.json", '[\n  {"Name": }\n]', "inspect"))
    (problem,) = facts.problems
    assert problem.span.line == 2


def test_kind_detection() -> None:
    assert kinds.kind_of("out/inspect.json", _OUTPUT[:4096]) == "inspect"
    assert kinds.kind_of("data.json", '["a", "b"]') is None
