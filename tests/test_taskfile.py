"""Taskfiles: commands as shell, `{{.NAME}}` rendered with positions kept."""

from __future__ import annotations

from sockelint import kinds
from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import taskfile
from sockelint.span import Span


def facts(text: str) -> Facts:
    return taskfile.parse(Document("Taskfile.yml", text, "taskfile"))


def test_template_value_placed_at_its_reference() -> None:
    text = (
        "version: '3'\n"
        "vars:\n"
        "  SOCK: /var/run/docker.sock\n"
        "tasks:\n"
        "  up:\n"
        "    cmds:\n"
        "      - docker run -v {{.SOCK}}:/s img\n"
    )

    command = facts(text).commands[0]

    assert command.argv == ["docker", "run", "-v", "/var/run/docker.sock:/s", "img"]
    # The word starts at the reference and ends after `:/s`.
    assert command.words[3].span == Span("Taskfile.yml", 7, 23, 7, 35)


def test_task_vars_override_global_and_sh_values_stay_unknown() -> None:
    text = (
        "version: '3'\n"
        "vars: {MNT: /srv}\n"
        "tasks:\n"
        "  up:\n"
        "    vars:\n"
        "      MNT: /\n"
        "      TAG: {sh: git describe}\n"
        "    cmds: ['docker run -v {{.MNT}}:/h img:{{.TAG}}']\n"
    )

    # An unknown variable is the shell's unknown `${TAG}`.
    assert facts(text).commands[0].argv[3:] == ["/:/h", "img:$TAG"]


def test_defaults_functions_and_vars_built_from_vars() -> None:
    text = (
        "version: '3'\n"
        "vars:\n"
        "  RUN: /var/run\n"
        "  SOCK: '{{.RUN}}/docker.sock'\n"
        "tasks:\n"
        "  up:\n"
        "    cmds:\n"
        '      - docker run -v {{.SOCK}}:/s -v {{.X | default "/:/h"}} '
        '{{.Y | printf "%s"}}:/y img\n'
    )

    (command,) = facts(text).commands

    assert command.argv == [
        "docker",
        "run",
        "-v",
        "/var/run/docker.sock:/s",
        "-v",
        "/:/h",
        "$TASK_VALUE:/y",
        "img",
    ]


def test_env_is_the_shell_environment_and_task_calls_are_no_shell() -> None:
    text = (
        "version: '3'\n"
        "env: {ROOT: /}\n"
        "tasks:\n"
        "  up:\n"
        "    cmds:\n"
        "      - task: other\n"
        "      - cmd: docker run -v $ROOT:/h img\n"
        "  short: [echo one, echo two]\n"
    )

    argvs = [c.argv for c in facts(text).commands]

    assert argvs == [
        ["docker", "run", "-v", "/:/h", "img"],
        ["echo", "one"],
        ["echo", "two"],
    ]


def test_docker_host_in_env_is_a_client() -> None:
    text = "version: '3'\nenv:\n  DOCKER_HOST: tcp://b:2375\ntasks: {}\n"

    (client,) = facts(text).clients

    assert client.host.text == "tcp://b:2375"
    assert not client.tls_verify


def test_included_taskfile_known_by_content() -> None:
    head = "version: '3'\n\ntasks:\n  a:\n    cmds: [make]\n"

    assert kinds.kind_of("taskfiles/build.yml", head) == "taskfile"
    assert kinds.kind_of("ci.yml", "version: 2.1\njobs: {}\n") is None
