"""File names that look like a kind sockelint reads but are not that kind."""

from __future__ import annotations

import pytest

from sockelint import kinds


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        # BuildKit reads `<Dockerfile>.dockerignore` as that build's ignore
        # file: patterns, not instructions.
        ("Dockerfile.dockerignore", None),
        ("docker/Dockerfile.prod.dockerignore", None),
        ("Containerfile.dockerignore", None),
        # A document about a Dockerfile.
        ("docs/Dockerfile.md", "markdown"),
        ("Containerfile.markdown", "markdown"),
        # Still Dockerfiles.
        ("Dockerfile.prod", "dockerfile"),
        ("build/Containerfile.in", "dockerfile"),
        ("app.Dockerfile", "dockerfile"),
    ],
)
def test_kind_by_name(path: str, kind: str | None) -> None:
    assert kinds.kind_of(path, "FROM alpine\nRUN true\n") == kind


def test_one_inspected_container_is_inspect_output() -> None:
    head = '{"Id": "ab", "Name": "/web", "Config": {}, "HostConfig": {}}'
    assert kinds.kind_of("web.json", head) == "inspect"
    assert kinds.kind_of("composer.json", '{"name": "x", "version": "1"}') is None
