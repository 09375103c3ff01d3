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


def json_facts(text: str, name: str = "template.json") -> Facts:
    return packer.parse(Document(name, text, "packer"))


def test_legacy_json_template_known_by_its_builders() -> None:
    head = '{\n  "builders": [\n    {\n      "type": "docker",\n'

    assert kinds.kind_of("images/template.json", head) == "packer"
    assert kinds.kind_of("build.pkr.json", "") == "packer"
    assert kinds.kind_of("data.json", '{"builders": ["a"]}') is None


def test_legacy_json_shell_runs_in_the_only_docker_builder() -> None:
    text = (
        '{"builders": [{"type": "docker", "name": "img", "image": "x",'
        ' "volumes": {"/var/run/docker.sock": "/s"}}],'
        ' "provisioners": [{"type": "shell", "inline": ["echo \\"in\\""]},'
        ' {"type": "shell-local", "inline": ["echo out"]}]}'
    )

    found = json_facts(text)

    (workload,) = found.workloads
    assert workload.name == "img"
    assert workload.mounts[0].host_path == "/run/docker.sock"
    assert [(c.argv, c.runs_in) for c in found.commands] == [
        (["echo", "in"], "img"),
        (["echo", "out"], "host"),
    ]


def test_hcl_json_syntax_and_broken_json() -> None:
    text = (
        '{"source": {"docker": {"a": {"image": "x", "privileged": true}}},'
        ' "build": {"sources": ["source.docker.a"],'
        ' "provisioner": {"shell": {"inline": ["echo in"]}}}}'
    )

    found = json_facts(text, "build.pkr.json")

    assert found.workloads[0].name == "source.docker.a"
    assert found.workloads[0].privileged is not None
    assert found.commands[0].runs_in == "source.docker.a"
    assert json_facts('{"builders": [', "build.pkr.json").problems != []


def test_every_cut_of_a_json_template_reads_without_raising() -> None:
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "fixtures" / "packer"
    text = (folder / "hcl-json-syntax" / "build.pkr.json").read_text()
    text += (folder / "legacy-json" / "template.json").read_text()

    for end in range(0, len(text), 7):
        # Types swapped around: an object where a list is expected.
        for piece in (text[:end], text[:end].replace("[", "{").replace("]", "}")):
            json_facts(piece, "build.pkr.json")


def test_odd_shapes_of_valid_json_are_no_templates_to_trust() -> None:
    shapes = [
        '{"builders": {"type": "docker", "volumes": ["/var/run/docker.sock"]}}',
        '{"builders": [1, "x", null, [{"type": "docker"}]]}',
        '{"source": {"docker": {"a": 1, "b": []}}, "build": 3}',
        '{"source": {"docker": []}, "build": [{"provisioner": [[{"shell": 1}]]}]}',
        '{"provisioners": [{"type": "shell", "inline": "echo one"}], "builders": []}',
        '{"post-processors": [[[{"type": "shell-local", "inline": [1, null]}]]]}',
        "[]",
    ]

    for text in shapes:
        found = json_facts(text, "build.pkr.json")
        assert found.problems == []
        assert all(not w.mounts for w in found.workloads)
