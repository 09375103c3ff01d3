"""justfiles: recipe bodies as shell, `{{var}}` rendered at the reference."""

from __future__ import annotations

from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import justfile
from sockelint.span import Span


def facts(text: str) -> Facts:
    return justfile.parse(Document("justfile", text, "justfile"))


def argvs(text: str) -> list[list[str]]:
    return [c.argv for c in facts(text).commands]


def test_prefixes_stripped_and_interpolation_placed_at_reference() -> None:
    text = 'sock := "/var/run/docker.sock"\nrun:\n    @-docker run -v {{sock}}:/s img\n'

    (command,) = facts(text).commands

    assert command.argv == ["docker", "run", "-v", "/var/run/docker.sock:/s", "img"]
    assert command.words[0].span == Span("justfile", 3, 7, 3, 13)
    assert command.words[3].span == Span("justfile", 3, 21, 3, 32)


def test_expressions_parameters_and_escaped_braces() -> None:
    text = (
        'base := "/var" / "run"\n'
        "name := base + '/docker.sock'\n"
        "tag := `git describe`\n"
        'run image="alpine:3" +args="": build\n'
        "    echo {{name}} {{image}} {{tag}} {{{{x}} {{invocation_directory()}}/a\n"
    )

    assert argvs(text) == [
        ["echo", "/var/run/docker.sock", "$image", "$tag", "{{x}}", "$JUST_VALUE/a"]
    ]


def test_recipe_body_ends_at_unindented_line_and_keeps_blank_lines() -> None:
    text = "a:\n    echo one\n\n    echo two\nb:\n\techo three\n"

    assert argvs(text) == [["echo", "one"], ["echo", "two"], ["echo", "three"]]


def test_shebang_and_script_recipes_by_interpreter() -> None:
    text = (
        "py:\n    #!/usr/bin/env python3\n    import os\n"
        "sh:\n    #!/bin/sh\n    echo sh\n"
        '[script("node")]\nnode:\n    console.log(1)\n'
        "[script]\nplain:\n    echo plain\n"
    )

    assert argvs(text) == [["echo", "sh"], ["echo", "plain"]]


def test_other_shell_setting_skips_line_recipes() -> None:
    text = 'set shell := ["python3", "-c"]\nrun:\n    print(1)\n'

    assert argvs(text) == []


def test_exported_docker_host_is_a_client_and_shell_variable() -> None:
    text = 'export DOCKER_HOST := "tcp://b:2375"\nps:\n    echo $DOCKER_HOST\n'

    found = facts(text)

    assert found.commands[0].argv == ["echo", "tcp://b:2375"]
    (client,) = found.clients
    assert client.host.span == Span("justfile", 1, 24, 1, 36)
    assert not client.tls_verify


def test_unexported_docker_host_is_no_client() -> None:
    assert facts('DOCKER_HOST := "tcp://b:2375"\n').clients == []
    assert facts('set export\nDOCKER_HOST := "tcp://b:2375"\n').clients != []
