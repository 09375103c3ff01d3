"""The concise format as a real editor reads it: vim's quickfix list.

sockelint writes `--format concise` for a small tree, vim loads it with
`:cgetfile` (in Ex mode, no terminal), and every entry's file, line, column
and text must come back as the JSON report has them. Then vim jumps to each
entry, and the cursor must sit on the offending text.

Both a plain `%f:%l:%c: %m` errorformat and vim's default one are used: the
default is what a user gets from `:make` or `:cfile` without configuring
anything. vim is installed by `.ci/run`; on CI a missing vim is a failure,
not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

VIM = shutil.which("vim")

if VIM is None and os.environ.get("CI"):
    pytest.fail("vim is missing: .ci/run installs it", pytrace=False)
pytestmark = pytest.mark.skipif(VIM is None, reason="vim is not installed")

# One file of each kind whose findings point into different syntaxes, a
# Makefile recipe with its tab, and a folder name with a space in it.
TREE = {
    "docker-compose.yml": """\
services:
  agent:
    image: portainer/agent
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
""",
    "deploy/run.sh": """\
#!/bin/sh
set -eu
docker run -d -v /var/run/docker.sock:/var/run/docker.sock traefik
""",
    "Dockerfile": """\
FROM alpine
RUN docker run -v /var/run/docker.sock:/var/run/docker.sock alpine
""",
    "Makefile": """\
up:
\tdocker run --rm -v /var/run/docker.sock:/var/run/docker.sock alpine
""",
    "k8s/pod.yaml": """\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: example/agent
  volumes:
    - name: socket
      hostPath:
        path: /var/run/docker.sock
""",
    "dir with space/compose.yaml": """\
services:
  ci:
    image: jenkins/jenkins
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
""",
}

CUSTOM = r"%f:%l:%c:\ %m"

# Reads the quickfix list, then jumps to every entry and notes where the
# cursor lands and the text from there to the end of the line.
_VIM_SCRIPT = """\
set nomore hidden
cgetfile {concise}
let s:entries = []
for s:e in getqflist()
  call add(s:entries, printf('%s|%d|%d|%d|%s',
        \\ bufname(s:e.bufnr), s:e.valid, s:e.lnum, s:e.col, s:e.text))
endfor
call writefile(s:entries, '{entries}')
let s:jumps = []
for s:i in range(1, len(getqflist()))
  execute 'silent cc' s:i
  call add(s:jumps, printf('%s|%d|%d|%s',
        \\ bufname('%'), line('.'), col('.'), getline('.')[col('.') - 1 :]))
endfor
call writefile(s:jumps, '{jumps}')
qa!
"""


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    column: int
    text: str  # what follows `path:line:column: ` in the concise line
    snippet: str  # the offending text on the line


@dataclass(frozen=True)
class Quickfix:
    entries: list[list[str]]
    jumps: list[list[str]]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("errorformat")
    for name, text in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _sockelint(tree: Path, output: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sockelint", "--format", output, "--quiet", "."],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def expected(tree: Path) -> list[Expected]:
    findings = json.loads(_sockelint(tree, "json"))["findings"]
    wanted = []
    for finding in findings:
        line = (tree / finding["path"]).read_text().splitlines()[finding["line"] - 1]
        end = finding["end_column"] if finding["end_line"] == finding["line"] else None
        wanted.append(
            Expected(
                path=finding["path"],
                line=finding["line"],
                column=finding["column"],
                text=f"{finding['rule']} {' '.join(finding['message'].split())}",
                snippet=line[finding["column"] - 1 : end and end - 1],
            )
        )
    # Every file of the tree gives at least one finding: none was lost.
    assert {e.path for e in wanted} == set(TREE)
    return wanted


@pytest.fixture(scope="module")
def concise(tree: Path) -> Path:
    out = tree / "findings.txt"
    out.write_text(_sockelint(tree, "concise"))
    return out


def _vim(tree: Path, concise: Path, errorformat: str | None) -> Quickfix:
    script = tree / "read.vim"
    entries, jumps = tree / "entries.txt", tree / "jumps.txt"
    for stale in (entries, jumps):
        stale.unlink(missing_ok=True)
    script.write_text(
        _VIM_SCRIPT.format(concise=concise.name, entries=entries.name, jumps=jumps.name)
    )
    setting = f"set errorformat={errorformat}" if errorformat else "set errorformat&"
    assert VIM is not None
    subprocess.run(
        [
            VIM,
            "-Nu",
            "NONE",
            "-i",
            "NONE",
            "-n",
            "-es",
            "-c",
            setting,
            "-S",
            script.name,
        ],
        cwd=tree,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert entries.is_file() and jumps.is_file(), "vim did not run the script"
    return Quickfix(
        entries=[row.split("|", 4) for row in entries.read_text().splitlines()],
        jumps=[row.split("|", 3) for row in jumps.read_text().splitlines()],
    )


def test_plain_errorformat_round_trips_every_field(
    tree: Path, concise: Path, expected: list[Expected]
) -> None:
    quickfix = _vim(tree, concise, CUSTOM)

    assert quickfix.entries == [
        [e.path, "1", str(e.line), str(e.column), e.text] for e in expected
    ]


def test_default_errorformat_reads_every_finding(
    tree: Path, concise: Path, expected: list[Expected]
) -> None:
    quickfix = _vim(tree, concise, None)

    # The default's `%f:%l:%c:%m` keeps the space after the colon.
    assert [[p, v, li, c, t.strip()] for p, v, li, c, t in quickfix.entries] == [
        [e.path, "1", str(e.line), str(e.column), e.text] for e in expected
    ]


def test_jumping_lands_on_the_offending_text(
    tree: Path, concise: Path, expected: list[Expected]
) -> None:
    quickfix = _vim(tree, concise, None)

    assert len(quickfix.jumps) == len(expected)
    for (path, line, column, rest), want in zip(quickfix.jumps, expected, strict=True):
        assert (path, int(line), int(column)) == (want.path, want.line, want.column)
        assert rest.startswith(want.snippet), (rest, want)
