"""The CI formats: GitHub workflow commands and the GitLab code quality
report, written from fixed reports and from the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sockelint import cli, report
from sockelint.finding import Finding
from sockelint.report import Report, Skip, github
from sockelint.span import Span

COMPOSE = """\
services:
  app:
    image: example/app
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
"""


def sample() -> Report:
    return Report(
        [
            Finding(
                "SL101",
                Span("deploy/docker-compose.yml", 5, 9, 5, 53),
                "The socket `/var/run/docker.sock` is mounted: 100% root.",
                advice="Use a socket proxy,\nor nothing.",
                subject="/var/run/docker.sock|app",
            ),
            Finding(
                "SL102",
                Span("deploy/docker-compose.yml", 5, 50, 5, 53),
                "Read-only does not help.\r\nAt all.",
            ),
            Finding(
                "SL000",
                Span("a,b:c.yml", 2, 3, 4, 1),
                "Not YAML.",
            ),
        ],
        skipped=[Skip("notes.bin", "binary")],
        scanned=2,
    )


def write(name: str, outcome: Report) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    report.writer(name)(outcome, out, err)
    return out.getvalue(), err.getvalue()


# GitHub --------------------------------------------------------------------


def test_github_exact() -> None:
    out, err = write("github", sample())

    assert out.splitlines() == [
        "::error file=deploy/docker-compose.yml,line=5,col=9,endLine=5,"
        "endColumn=53,title=SL101 engine-socket-mount::The socket "
        "`/var/run/docker.sock` is mounted: 100%25 root.%0A%0AAdvice: Use a "
        "socket proxy,%0Aor nothing.",
        "::warning file=deploy/docker-compose.yml,line=5,col=50,endLine=5,"
        "endColumn=53,title=SL102 read-only-socket-trust::Read-only does not "
        "help.%0D%0AAt all.",
        "::error file=a%2Cb%3Ac.yml,line=2,endLine=4,title=SL000 invalid-file::"
        "Not YAML.",
    ]
    assert err == ""


@pytest.mark.parametrize(
    ("level", "command"),
    [("error", "error"), ("warning", "warning"), ("note", "notice")],
)
def test_github_levels(level: str, command: str) -> None:
    outcome = sample()
    outcome.severities = {"SL101": level}

    out, _ = write("github", outcome)

    assert out.startswith(f"::{command} file=deploy/docker-compose.yml,")


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("50%", "50%25", "50%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_github_escaping(text: str, data: str, prop: str) -> None:
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


# GitLab --------------------------------------------------------------------


def test_gitlab_exact() -> None:
    out, err = write("gitlab", sample())
    findings = sample().findings

    assert json.loads(out) == [
        {
            "description": "SL101 The socket `/var/run/docker.sock` is mounted: "
            "100% root.",
            "check_name": "SL101",
            "fingerprint": findings[0].fingerprint(),
            "severity": "critical",
            "location": {
                "path": "deploy/docker-compose.yml",
                "lines": {"begin": 5},
            },
        },
        {
            "description": "SL102 Read-only does not help. At all.",
            "check_name": "SL102",
            "fingerprint": findings[1].fingerprint(),
            "severity": "major",
            "location": {
                "path": "deploy/docker-compose.yml",
                "lines": {"begin": 5},
            },
        },
        {
            "description": "SL000 Not YAML.",
            "check_name": "SL000",
            "fingerprint": findings[2].fingerprint(),
            "severity": "critical",
            "location": {"path": "a,b:c.yml", "lines": {"begin": 2}},
        },
    ]
    assert err == ""


def test_gitlab_fingerprints_are_unique() -> None:
    first = sample().findings[0]
    twin = Finding(
        first.rule,
        Span(first.span.path, 9, 9, 9, 53),
        first.message,
        subject=first.subject,
    )
    outcome = Report([first, twin])

    out, _ = write("gitlab", outcome)

    fingerprints = [issue["fingerprint"] for issue in json.loads(out)]
    assert first.fingerprint() == twin.fingerprint()
    assert len(set(fingerprints)) == 2
    assert fingerprints[0] == first.fingerprint()


def test_gitlab_note_is_minor_and_empty_report_is_a_list() -> None:
    outcome = sample()
    outcome.severities = {"SL101": "note"}

    out, _ = write("gitlab", outcome)

    assert json.loads(out)[0]["severity"] == "minor"
    assert write("gitlab", Report([]))[0] == "[]\n"


# From the command line -----------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "notes.txt").write_text("hello")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_github(project: Path, capsys) -> None:
    code = cli.main(["--format", "github", "docker-compose.yml", "notes.txt"])
    out, err = capsys.readouterr()

    assert code == 1
    assert [line.split("::")[1].split(",title=")[0] for line in out.splitlines()] == [
        "error file=docker-compose.yml,line=5,col=9,endLine=5,endColumn=53",
        "warning file=docker-compose.yml,line=5,col=50,endLine=5,endColumn=53",
    ]
    assert err == "notes.txt: skipped: unknown kind\n"


def test_cli_gitlab(project: Path, capsys) -> None:
    code = cli.main(["--format", "gitlab", "--quiet", "."])
    out, err = capsys.readouterr()

    assert code == 1
    issues = json.loads(out)
    assert [(i["check_name"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("SL101", 5),
        ("SL102", 5),
    ]
    assert err == ""
