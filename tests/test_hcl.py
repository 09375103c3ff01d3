"""The HCL reader: values, exact positions, errors as problems, and speed
on hostile input; and the Terraform and Nomad sources built on it."""

from __future__ import annotations

import time

import pytest

from sockelint import engine, hcl, kinds
from sockelint.document import Document
from sockelint.rules import RULES


def parsed(text: str) -> hcl.Parsed:
    return hcl.parse(text, "main.tf")


def place(result: hcl.Parsed, index: int) -> tuple[int, int]:
    return result.positions.place(index)


def test_blocks_attributes_and_labels() -> None:
    result = parsed(
        'provider "docker" {\n  host = "tcp://h:2375"\n}\n'
        'resource "docker_container" web {\n  privileged = true\n  n = 1.5e3\n}\n'
    )

    assert result.problems == []
    provider, resource = result.body.items
    assert isinstance(provider, hcl.Block) and isinstance(resource, hcl.Block)
    assert (provider.type, provider.label(0)) == ("provider", "docker")
    assert [resource.label(0), resource.label(1)] == ["docker_container", "web"]
    assert hcl.literal(provider.body.value("host")) == "tcp://h:2375"
    assert hcl.is_true(resource.body.value("privileged"))
    assert hcl.literal(resource.body.value("n")) == "1.5e3"


def test_string_escapes_map_each_character_to_where_it_is_written() -> None:
    text = 'x = "a\\"b\\u0041$${c}"\n'
    result = parsed(text)

    value = result.body.value("x")
    assert isinstance(value, hcl.Str)
    assert value.value == 'a"bA${c}'
    assert not value.interpolated
    # `"` comes from the backslash at column 7, `A` from `\u0041`.
    assert [place(result, i) for i in value.indexes[:4]] == [
        (1, 6),
        (1, 7),
        (1, 9),
        (1, 10),
    ]


def test_interpolation_is_kept_as_written_with_strings_inside() -> None:
    result = parsed('x = "p-${lookup(var.m, "}")}-q"\n')

    value = result.body.value("x")
    assert isinstance(value, hcl.Str)
    assert value.value == 'p-${lookup(var.m, "}")}-q'
    assert value.interpolated


def test_indented_heredoc_strips_the_shared_indentation() -> None:
    text = "x = <<-EOT\n    #!/bin/sh\n      echo $${HOME}\n    EOT\ny = 1\n"
    result = parsed(text)

    value = result.body.value("x")
    assert isinstance(value, hcl.Str) and value.heredoc
    assert value.value == "#!/bin/sh\n  echo ${HOME}\n"
    assert place(result, value.indexes[0]) == (2, 5)
    assert place(result, value.indexes[value.value.index("echo")]) == (3, 7)
    assert hcl.literal(result.body.value("y")) == "1"


def test_lists_objects_calls_comments_and_expressions() -> None:
    text = (
        "# c\n// c\n/* c\n c */\n"
        'a = ["x", var.y, concat(["z"], [])]\n'
        'b = { "k.1" = 1, k2: var.c ? "d" : "e" }\n'
        'c = [for s in var.l : upper(s) if s != ""]\n'
        "d = docker_image.app.image_id\n"
        "e = -1 + (2 * 3)\n"
    )
    result = parsed(text)

    assert result.problems == []
    a = result.body.value("a")
    assert isinstance(a, hcl.ListExpr)
    assert [type(i).__name__ for i in a.items] == ["Str", "Ref", "Call"]
    b = result.body.value("b")
    assert isinstance(b, hcl.ObjectExpr)
    assert hcl.literal(b.get("k.1")) == "1"
    assert isinstance(b.get("k2"), hcl.Other)
    assert isinstance(result.body.value("c"), hcl.Other)
    d = result.body.value("d")
    assert isinstance(d, hcl.Ref) and d.text == "docker_image.app.image_id"
    assert isinstance(result.body.value("e"), hcl.Other)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('x = "open\ny = 1\n', 1, "unterminated string at line 1"),
        ("a {\n  b {\n  }\n", 1, "block never closed: `}` missing at line 1"),
        ("x = <<EOT\nbody\n", 1, "heredoc `EOT` is never closed at line 1"),
        ("/* open\nx = 1\n", 1, "unterminated comment at line 1"),
        ("x = [1, 2\n", 2, "`]` expected, found the end of the file at line 2"),
        ("x = @\n", 1, "unexpected `@` at line 1"),
        ('x = "\\q"\n', 1, "invalid escape in a string at line 1"),
    ],
)
def test_errors_are_problems_at_their_line(text: str, line: int, reason: str) -> None:
    result = parsed(text)

    assert [(p.span.line, p.reason) for p in result.problems] == [(line, reason)]


def test_reading_goes_on_after_a_broken_block() -> None:
    result = parsed('a {\n  x = "open\n}\nb {\n  y = 2\n}\n')

    assert [p.span.line for p in result.problems] == [2]
    blocks = result.body.blocks("b")
    assert len(blocks) == 1 and hcl.literal(blocks[0].body.value("y")) == "2"


def test_nesting_is_capped() -> None:
    result = parsed("x = " + "[" * 10_000 + "]" * 10_000 + "\n")

    assert [p.reason for p in result.problems] == [
        f"nesting deeper than {hcl.MAX_DEPTH} levels at line 1"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "x = <<EOT\n" * 20_000,
        "/*\n" * 20_000,
        'a "\n' * 20_000,
        "a {\n" * 20_000,
        "x = " + "(" * 50_000,
        'x = "${' * 20_000,
        "}\n" * 20_000,
    ],
)
def test_hostile_input_is_read_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    result = parsed(text)
    elapsed = time.perf_counter() - start

    assert result.problems
    # Quadratic work on these would take minutes; linear takes milliseconds.
    assert elapsed < 2.0


# Sources ---------------------------------------------------------------------


def findings(name: str, text: str) -> list[tuple[int, int, str]]:
    kind = kinds.kind_of(name, text[:4096])
    assert kind is not None
    found = engine.check(Document(name, text, kind), RULES)
    return sorted((f.span.line, f.span.column, f.rule) for f in found)


def test_terraform_volume_points_at_the_host_path() -> None:
    text = (
        'resource "docker_container" "web" {\n'
        '  image = "nginx"\n'
        "  volumes {\n"
        '    host_path = "/var/run/docker.sock"\n'
        "  }\n"
        "}\n"
    )

    assert findings("main.tf", text) == [(4, 17, "SL101")]


def test_terraform_variable_default_in_the_same_module() -> None:
    text = (
        'variable "sock" {\n  default = "/run/docker.sock"\n}\n'
        'resource "docker_container" "web" {\n'
        '  image = "nginx"\n'
        '  volumes {\n    host_path = "${var.sock}"\n  }\n'
        "  volumes {\n    host_path = var.other\n  }\n"
        "}\n"
    )

    assert findings("main.tf", text) == [(7, 17, "SL101")]


def test_terraform_image_reference_reaches_a_socket_proxy() -> None:
    """`docker_image.proxy.image_id` is the proxy image: SL101 stays quiet
    and the proxy's own rules take over."""
    text = (
        'resource "docker_image" "proxy" {\n'
        '  name = "tecnativa/docker-socket-proxy:0.3"\n}\n'
        'resource "docker_network" "p" {\n  name = "p"\n  internal = true\n}\n'
        'resource "docker_container" "proxy" {\n'
        "  image = docker_image.proxy.image_id\n"
        '  env   = ["CONTAINERS=1", "POST=1"]\n'
        "  networks_advanced {\n    name = docker_network.p.name\n  }\n"
        '  volumes {\n    host_path = "/var/run/docker.sock"\n  }\n'
        "}\n"
    )

    assert findings("main.tf", text) == [(10, 28, "SL401")]


def test_terraform_boot_script_without_shebang_is_not_read() -> None:
    text = (
        'resource "aws_instance" "x" {\n'
        '  user_data = "chmod 666 /var/run/docker.sock"\n'
        "}\n"
    )

    assert findings("main.tf", text) == []


def test_terraform_cloud_config_user_data_keeps_its_positions() -> None:
    """Escapes in a quoted string and `<<-` indentation are mapped back
    character by character."""
    text = (
        'resource "aws_instance" "x" {\n'
        '  user_data = "\\n#cloud-config\\nruncmd:\\n  - chmod 666 /run/docker.sock"\n'
        "}\n"
        'resource "aws_instance" "y" {\n'
        "  user_data = <<-EOT\n"
        "    #cloud-config\n"
        "    runcmd: [[socat, TCP-LISTEN:2375, UNIX-CONNECT:/run/docker.sock]]\n"
        "  EOT\n"
        "}\n"
    )

    assert findings("main.tf", text) == [(2, 46, "SL301"), (7, 15, "SL205")]


def test_nomad_job_in_a_plain_hcl_file() -> None:
    text = (
        'job "web" {\n  group "g" {\n    task "t" {\n'
        '      driver = "podman"\n'
        "      config {\n"
        '        image   = "traefik:3"\n'
        '        volumes = ["/run/podman/podman.sock:/var/run/docker.sock"]\n'
        "      }\n    }\n  }\n}\n"
    )

    assert kinds.kind_of("deploy/web.hcl", text) == "nomad"
    assert kinds.kind_of("deploy/vault.hcl", 'storage "raft" {}\n') is None
    assert findings("deploy/web.hcl", text) == [(7, 20, "SL101")]


def test_nomad_workload_is_named_job_group_task() -> None:
    from sockelint.sources import nomad

    text = (
        'job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n'
        '      config {\n        image = "x"\n      }\n    }\n  }\n}\n'
    )

    facts = nomad.parse(Document("j.nomad", text, "nomad"))

    assert [w.name for w in facts.workloads] == ["j/g/t"]


def test_terraform_variable_default_from_a_sibling_file(tmp_path, capsys) -> None:
    import json

    from sockelint import cli

    (tmp_path / "variables.tf").write_text(
        'variable "docker_host" {\n  default = "tcp://10.0.0.9:2375"\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        'provider "docker" {\n  host = var.docker_host\n}\n'
        'provider "docker" {\n  alias = "b"\n  host = "${var.docker_host}"\n}\n'
    )

    code = cli.main(["--format", "json", str(tmp_path / "main.tf")])
    report = json.loads(capsys.readouterr().out)

    assert code == 1
    assert [(f["line"], f["rule"]) for f in report["findings"]] == [
        (2, "SL203"),
        (6, "SL203"),
    ]
