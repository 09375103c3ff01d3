"""Program names and assignment words, shared by sources and rules."""

from __future__ import annotations

import pytest

from sockelint import argv


@pytest.mark.parametrize(
    ("word", "program"),
    [
        ("docker", "docker"),
        ("/usr/bin/docker", "docker"),
        ("./bin/dockerd", "dockerd"),
        ("docker.exe", "docker"),
        ("C:\\Program Files\\Docker\\Docker.EXE", "docker"),
        ("Docker", "Docker"),
        ("", ""),
    ],
)
def test_program(word: str, program: str) -> None:
    assert argv.program(word) == program


@pytest.mark.parametrize(
    ("word", "assignment"),
    [
        ("A=1", True),
        ("DOCKER_HOST=tcp://h:2375", True),
        ("_x=", True),
        ("1A=x", False),
        ("A-B=x", False),
        ("=x", False),
        ("--opt=x", False),
        ("NAME", False),
    ],
)
def test_is_assignment(word: str, assignment: bool) -> None:
    assert argv.is_assignment(word) is assignment
