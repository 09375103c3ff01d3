"""Which files are read, what kind they are, and reading them safely."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from sockelint import discovery, gitignore, kinds, reading
from sockelint.discovery import Input, Skipped

COMPOSE = "services:\n  app:\n    image: x\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def scanned(root: Path, *arguments: str) -> dict[str, str]:
    found = discovery.discover(arguments or [str(root)], cwd=root)
    return {item.path: item.kind for item in found.files}


def skipped(root: Path, *arguments: str) -> dict[str, str]:
    found = discovery.discover(arguments or [str(root)], cwd=root)
    return {item.path: item.reason for item in found.skipped}


def test_walk_finds_kinds_and_ignores_the_rest(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "docker-compose.yml": COMPOSE,
            "deploy/run.sh": "docker ps\n",
            "bin/start": "#!/bin/bash\ndocker ps\n",
            "README.txt": "hello",
            "config/settings.yaml": "key: value\n",
            "Makefile": "all:\n\ttrue\n",
        },
    )

    assert scanned(tmp_path) == {
        "Makefile": "makefile",
        "bin/start": "shell",
        "deploy/run.sh": "shell",
        "docker-compose.yml": "compose",
    }
    assert "README.txt" not in skipped(tmp_path)


def test_kinds_without_a_source_are_listed_as_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, {"docker-compose.yml": COMPOSE, "run.sh": "true\n"})
    monkeypatch.setattr(discovery.sources, "MODULES", {"compose": "x"})

    assert scanned(tmp_path) == {"docker-compose.yml": "compose"}
    assert skipped(tmp_path) == {"run.sh": "no source for kind shell yet"}


def test_explicit_files(tmp_path: Path) -> None:
    tree(tmp_path, {"notes.txt": "x", "a/docker-compose.yml": COMPOSE})
    arguments = ("notes.txt", "a/docker-compose.yml", "./a/docker-compose.yml")

    assert scanned(tmp_path, *arguments) == {"a/docker-compose.yml": "compose"}
    assert skipped(tmp_path, *arguments) == {"notes.txt": "unknown kind"}


def test_explicit_file_is_read_even_if_ignored(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "*.yml\n", "docker-compose.yml": COMPOSE})

    assert scanned(tmp_path) == {}
    assert scanned(tmp_path, "docker-compose.yml") == {"docker-compose.yml": "compose"}


def test_excluded_folders(tmp_path: Path) -> None:
    names = [".git", "node_modules", "vendor", ".venv", "venv", "__pycache__"]
    tree(tmp_path, {f"{name}/docker-compose.yml": COMPOSE for name in names})
    tree(tmp_path, {"src/vendored/docker-compose.yml": COMPOSE})

    assert scanned(tmp_path) == {"src/vendored/docker-compose.yml": "compose"}


def test_gitignore_is_respected(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".git/HEAD": "",
            ".gitignore": "build/\n*.generated.yml\n!keep.generated.yml\n/top.sh\n",
            "build/docker-compose.yml": COMPOSE,
            "a.generated.yml": COMPOSE,
            "keep.generated.yml": COMPOSE,
            "top.sh": "true\n",
            "sub/top.sh": "true\n",
            "sub/.gitignore": "local.sh\n",
            "sub/local.sh": "true\n",
            "other/local.sh": "true\n",
        },
    )

    assert set(scanned(tmp_path)) == {
        "keep.generated.yml",
        "sub/top.sh",
        "other/local.sh",
    }


def test_gitignore_of_the_repository_applies_to_a_subfolder(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".git/HEAD": "",
            ".gitignore": "deploy/old/\n",
            "deploy/old/run.sh": "true\n",
            "deploy/new/run.sh": "true\n",
        },
    )

    found = discovery.discover([str(tmp_path / "deploy")], cwd=tmp_path)

    assert [item.path for item in found.files] == ["deploy/new/run.sh"]


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.log", "a/b/x.log", False, True),
        ("/x.log", "a/x.log", False, False),
        ("/x.log", "x.log", False, True),
        ("a/*.log", "a/b/x.log", False, False),
        ("a/**/x.log", "a/b/c/x.log", False, True),
        ("a/**/x.log", "a/x.log", False, True),
        ("**/logs", "deep/logs", True, True),
        ("logs/", "logs", False, False),
        ("logs/", "logs", True, True),
        ("a/**", "a/b/c", False, True),
        ("x?.sh", "x1.sh", False, True),
        ("x[0-9].sh", "xa.sh", False, False),
        ("x[!0-9].sh", "xa.sh", False, True),
        ("\\#notes", "#notes", False, True),
        ("# comment", "# comment", False, False),
        ("trailing  ", "trailing", False, True),
    ],
)
def test_gitignore_patterns(
    pattern: str, path: str, is_dir: bool, ignored: bool
) -> None:
    compiled = gitignore.parse_line(pattern)
    files = [gitignore.IgnoreFile("", (compiled,))] if compiled else []

    assert gitignore.ignored(files, path, is_dir) is ignored


def test_helm_templates_need_a_chart(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "chart/Chart.yaml": "name: x\n",
            "chart/templates/deployment.yaml": "kind: {{ .Values.kind }}\n",
            "other/templates/pod.yaml": "apiVersion: v1\nkind: Pod\n",
            "other/templates/notes.yaml": "key: value\n",
        },
    )

    kinds = {
        p: discovery.kind_for(p, tmp_path / p)
        for p in [
            "chart/templates/deployment.yaml",
            "other/templates/pod.yaml",
            "other/templates/notes.yaml",
        ]
    }

    assert kinds == {
        "chart/templates/deployment.yaml": "helm",
        "other/templates/pod.yaml": "kubernetes",
        "other/templates/notes.yaml": None,
    }


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_symlinks_stay_in_the_tree_and_never_loop(tmp_path: Path) -> None:
    outside = tree(tmp_path / "outside", {"docker-compose.yml": COMPOSE})
    root = tree(tmp_path / "root", {"real/docker-compose.yml": COMPOSE})
    (root / "to-outside").symlink_to(outside)
    (root / "outside-file.yml").symlink_to(outside / "docker-compose.yml")
    (root / "compose.yaml").symlink_to(root / "real" / "docker-compose.yml")
    (root / "real" / "loop").symlink_to(root)
    (root / "dangling.sh").symlink_to(root / "missing.sh")

    found = discovery.discover([str(root)], cwd=tmp_path)

    assert [item.path for item in found.files] == [
        "root/compose.yaml",
        "root/dangling.sh",
        "root/real/docker-compose.yml",
    ]
    assert [(s.path, s.reason) for s in found.skipped] == [
        ("root/outside-file.yml", "symbolic link leads outside the scanned folder")
    ]


def test_display_paths(tmp_path: Path) -> None:
    tree(tmp_path, {"a/docker-compose.yml": COMPOSE})

    assert discovery.display(tmp_path / "a/docker-compose.yml", tmp_path) == (
        "a/docker-compose.yml"
    )
    assert discovery.display(Path("/elsewhere/x.yml"), tmp_path) == "/elsewhere/x.yml"


# Reading -------------------------------------------------------------------


def test_read_normalises_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_bytes(b"\xef\xbb\xbfservices:\r\n  app:\r\n    image: x\rend\n")

    read = reading.read(path)

    assert read == reading.Text("services:\n  app:\n    image: x\nend\n")


def test_invalid_utf8_is_replaced_and_located(tmp_path: Path) -> None:
    path = tmp_path / "run.sh"
    path.write_bytes(b"\xef\xbb\xbfecho ok\necho \xff bad\n")

    read = reading.read(path)

    assert isinstance(read, reading.Text)
    assert read.text == "echo ok\necho \ufffd bad\n"
    assert read.problem == reading.DecodeProblem(offset=16, line=2, column=6)
    assert "byte 16" in read.problem.reason


def test_binary_and_size_limits(tmp_path: Path) -> None:
    binary = tmp_path / "a.sh"
    binary.write_bytes(b"#!/bin/sh\n\0\0")
    large = tmp_path / "b.sh"
    large.write_text("x" * 100)

    assert reading.read(binary) == reading.Unread("binary (NUL byte in the first 8 KB)")
    assert reading.read(large, max_size=10) == reading.Unread(
        "larger than 10 bytes (100 bytes)"
    )
    assert isinstance(reading.read(large, max_size=100), reading.Text)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_special_files_are_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "docker-compose.yml"
    os.mkfifo(fifo)

    # Opening a FIFO with no writer would block this test forever.
    assert reading.read(fifo) == reading.Unread("not a regular file (a FIFO)")
    assert reading.head(fifo) == ""
    assert discovery.kind_for("docker-compose.yml", fifo) == "compose"


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets")
def test_a_socket_file_is_skipped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # Unix socket paths are short
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("docker.sock")
        assert reading.read(Path("docker.sock")) == reading.Unread(
            "not a regular file (a socket)"
        )
    finally:
        server.close()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_dangling_links_and_loops(tmp_path: Path) -> None:
    (tmp_path / "dangling.sh").symlink_to(tmp_path / "missing.sh")
    (tmp_path / "a.sh").symlink_to(tmp_path / "b.sh")
    (tmp_path / "b.sh").symlink_to(tmp_path / "a.sh")

    assert reading.read(tmp_path / "dangling.sh") == reading.Unread(
        "dangling symbolic link"
    )
    assert reading.read(tmp_path / "a.sh") == reading.Unread("symbolic link loop")


def test_inputs_are_scanned_or_skipped(tmp_path: Path) -> None:
    tree(tmp_path, {"docker-compose.yml": COMPOSE, "x.txt": ""})

    found = discovery.discover(["docker-compose.yml", "x.txt"], cwd=tmp_path)

    assert found.files == [
        Input("docker-compose.yml", Path("docker-compose.yml"), "compose")
    ]
    assert found.skipped == [Skipped("x.txt", "unknown kind")]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("#!/bin/bash\ndocker ps\n", "shell"),
        ("apiVersion: v1\nkind: Pod\n", "kubernetes"),
        ("services:\n  a:\n    image: x\n", "compose"),
        ('[{"Id": "x", "HostConfig": {}}]', "inspect"),
        ("# syntax=docker/dockerfile:1\n\nFROM alpine\n", "dockerfile"),
        ("ARG BASE=alpine\nFROM $BASE\n", "dockerfile"),
        ("just words\n", None),
        ("", None),
    ],
)
def test_kind_of_nameless_text(head: str, kind: str | None) -> None:
    assert kinds.kind_of_text(head) == kind


def test_folders_above_the_working_directory_still_decide_the_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor runs sockelint in the file's own folder: the workflow is
    still a workflow although `.github/workflows` is not in the shown path."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n")
    monkeypatch.chdir(workflows)

    inputs = discovery.discover(["ci.yml"])

    assert [(i.path, i.kind) for i in inputs.files] == [("ci.yml", "github-actions")]
