"""Packer templates: the docker builder's container and shell provisioners."""

from __future__ import annotations

from sockelint import kinds
from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import packer


def facts(text: str) -> Facts:
    return packer.parse(Document("build.pkr.hcl", text, "packer"))


_SOURCES = (
    'source "docker" "a" {\n  image = "alpine"\n'
    '  run_command = ["-d", "--privileged", "--", "{{.Image}}", "-v", "/:/h"]\n}\n'
    'source "amazon-ebs" "b" {\n  ami_name = "x"\n}\n'
)


def test_run_command_flags_end_at_the_double_dash() -> None:
    (workload,) = facts(_SOURCES).workloads

    assert workload.name == "source.docker.a"
    assert workload.image is not None and workload.image.text == "alpine"
    assert workload.privileged is not None
    assert workload.mounts == []


def test_shell_runs_in_the_only_docker_source_otherwise_on_a_host() -> None:
    text = _SOURCES + (
        'build {\n  sources = ["source.docker.a"]\n'
        '  provisioner "shell" {\n    inline = ["echo in"]\n  }\n'
        '  provisioner "shell-local" {\n    inline = ["echo local"]\n  }\n}\n'
        'build {\n  sources = ["source.docker.a", "source.amazon-ebs.b"]\n'
        '  provisioner "shell" {\n    inline = ["echo both"]\n  }\n}\n'
    )

    found = facts(text)

    assert [(c.argv[1], c.runs_in) for c in found.commands] == [
        ("in", "source.docker.a"),
        ("local", "host"),
        ("both", "host"),
    ]
    assert [c.argv[1] for c in found.workloads[0].commands] == ["in"]


def test_environment_vars_and_variable_defaults_are_known() -> None:
    text = (
        'variable "sock" {\n  default = "/run/docker.sock"\n}\n'
        'source "docker" "a" {\n  image = "x"\n'
        '  volumes = { "${var.sock}" = "/s:ro" }\n}\n'
        'build {\n  provisioner "shell-local" {\n'
        '    environment_vars = ["S=/var/run/docker.sock"]\n'
        '    env = { T = "/t" }\n'
        '    inline = ["chmod 666 $S $T"]\n  }\n}\n'
    )

    found = facts(text)

    (mount,) = found.workloads[0].mounts
    assert mount.host_path == "/run/docker.sock"
    assert mount.target == "/s"
    assert mount.read_only is not None
    assert found.commands[0].argv == ["chmod", "666", "/var/run/docker.sock", "/t"]


def test_kind_by_name() -> None:
    assert kinds.kind_of("images/base.pkr.hcl", "") == "packer"
    assert kinds.kind_of("images/vars.pkrvars.hcl", "") is None
