"""The pre-commit hook, run for real by pre-commit from this repository.

`pre-commit try-repo` installs the hook the way a user's `rev:` would: it
clones the hook repository at a commit and builds a fresh environment with
`pip install .` (which needs PyPI). It clones committed state only, so the
working tree as it is now (tracked and untracked files, minus ignored ones)
is first copied into a scratch repository and committed there: the test
checks this tree, not whatever the last commit was.

Each call builds its own environment (several seconds), so the test makes
two calls only: one on a file with a finding, one on a clean file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="pre-commit needs git"
)

# A commit needs an identity; the user's git configuration is not consulted
# so that signing or hooks set up there cannot get in the way.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "sockelint tests",
    "GIT_AUTHOR_EMAIL": "tests@sockelint.invalid",
    "GIT_COMMITTER_NAME": "sockelint tests",
    "GIT_COMMITTER_EMAIL": "tests@sockelint.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

SOCKET_COMPOSE = """\
services:
  agent:
    image: portainer/agent
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""

CLEAN_COMPOSE = """\
services:
  web:
    image: nginx
    volumes:
      - ./site:/usr/share/nginx/html:ro
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(_GIT_ENV)
    return env


def _git(cwd: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", *arguments],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _commit_all(folder: Path) -> None:
    _git(folder, "init", "--quiet", "--template=")
    _git(folder, "add", "--all")
    _git(folder, "commit", "--quiet", "--no-gpg-sign", "--no-verify", "-m", "snap")


def _working_tree_files() -> list[str]:
    """This repository's files as git would commit them with `git add -A`;
    a copy without git metadata (an unpacked archive) is taken whole."""
    if (ROOT / ".git").exists():
        listed = _git(
            ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"
        )
        return [name for name in listed.split("\0") if name]
    skip = {".venv", ".git", "build", "dist", "__pycache__"}
    return [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file() and not skip.intersection(path.relative_to(ROOT).parts)
    ]


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in _working_tree_files():
        source = ROOT / name
        if not source.is_file():  # deleted in the working tree, not yet in git
            continue
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    _commit_all(snapshot)
    return snapshot


@pytest.fixture(scope="module")
def user_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repository = tmp_path_factory.mktemp("user-repo")
    (repository / "docker-compose.yml").write_text(SOCKET_COMPOSE)
    (repository / "compose.yaml").write_text(CLEAN_COMPOSE)
    (repository / "notes.txt").write_text("nothing to see\n")
    _commit_all(repository)
    return repository


def _try_repo(
    hook_repository: Path, user_repository: Path, *files: str
) -> subprocess.CompletedProcess[str]:
    env = _env()
    # pre-commit keeps its environments here; a scratch home keeps the
    # user's cache out of it and the test from writing into it.
    env["PRE_COMMIT_HOME"] = str(user_repository.parent / "pre-commit-home")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repository),
            "sockelint",
            "--ref",
            _git(hook_repository, "rev-parse", "HEAD").strip(),
            "--color",
            "never",
            "--files",
            *files,
        ],
        cwd=user_repository,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_fails_on_a_socket_mount_and_shows_the_finding(
    hook_repository: Path, user_repository: Path
) -> None:
    done = _try_repo(
        hook_repository, user_repository, "docker-compose.yml", "notes.txt"
    )
    output = done.stdout + done.stderr

    assert done.returncode == 1, output
    assert "sockelint" in output and "Failed" in output, output
    assert "docker-compose.yml:5:9: SL101" in output, output
    # --quiet: the file of no known kind is not listed as skipped.
    assert "notes.txt" not in output.split("Failed", 1)[1], output


def test_hook_passes_on_a_clean_file(
    hook_repository: Path, user_repository: Path
) -> None:
    done = _try_repo(hook_repository, user_repository, "compose.yaml")
    output = done.stdout + done.stderr

    assert done.returncode == 0, output
    assert "Passed" in output, output
