"""Baselines: written from the current findings, they keep old findings out
of later runs by fingerprint, whatever the lines do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockelint import baseline, cli

COMPOSE = """\
services:
  app:
    image: example/app
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""

# The same service five lines further down, after a new one without mounts.
COMPOSE_MOVED = """\
services:
  web:
    image: example/web
    ports:
      - "8080:80"
    environment:
      MODE: production
  app:
    image: example/app
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""

NEW_SERVICE = """\
  agent:
    image: example/agent
    volumes:
      - /run/docker.sock:/var/run/docker.sock
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def found(capsys: pytest.CaptureFixture[str], *argv: str) -> list[tuple[str, int]]:
    code, out, err = run(capsys, "--format", "json", *argv)
    assert code in (0, 1), err
    return [(f["rule"], f["line"]) for f in json.loads(out)["findings"]]


def test_written_baseline_is_exact(repo: Path, capsys) -> None:
    code, out, err = run(capsys, "--write-baseline", "baseline.json")

    assert (code, out) == (0, "")
    assert err == "sockelint: wrote 1 finding to the baseline baseline.json\n"
    document = json.loads((repo / "baseline.json").read_text())
    assert document == {
        "version": 1,
        "tool": "sockelint",
        "findings": [
            {
                "rule": "SL101",
                "path": "docker-compose.yml",
                "fingerprint": document["findings"][0]["fingerprint"],
                "message": "The Docker socket `/var/run/docker.sock` is mounted into "
                "`app`: whoever reaches…",
                "count": 1,
            }
        ],
    }
    assert len(document["findings"][0]["message"]) <= 80


def test_baselined_finding_stays_out_when_lines_move(repo: Path, capsys) -> None:
    run(capsys, "--write-baseline", "baseline.json")
    (repo / "docker-compose.yml").write_text(COMPOSE_MOVED)

    code, out, err = run(capsys, "--baseline", "baseline.json", "--no-color")

    assert (code, out) == (0, "")
    assert err == "No findings in 1 file scanned; 1 suppressed (1 baseline).\n"


def test_new_finding_is_reported(repo: Path, capsys) -> None:
    run(capsys, "--write-baseline", "baseline.json")
    (repo / "docker-compose.yml").write_text(COMPOSE_MOVED + NEW_SERVICE)

    assert found(capsys, "--baseline", "baseline.json") == [("SL101", 15)]
    assert found(capsys) == [("SL101", 11), ("SL101", 15)]


def test_counts_per_fingerprint(repo: Path, capsys) -> None:
    """A second copy of a baselined finding is new."""
    twice = COMPOSE + "      - /var/run/docker.sock:/var/run/docker.sock\n"
    (repo / "docker-compose.yml").write_text(twice)
    assert found(capsys) == [("SL101", 5), ("SL101", 6)]
    run(capsys, "--write-baseline", "baseline.json")
    entries = json.loads((repo / "baseline.json").read_text())["findings"]
    assert [entry["count"] for entry in entries] == [2]

    (repo / "docker-compose.yml").write_text(
        twice + "      - /var/run/docker.sock:/var/run/docker.sock\n"
    )
    assert len(found(capsys, "--baseline", "baseline.json")) == 1


def test_baseline_works_from_a_subfolder(
    repo: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "deploy").mkdir()
    (repo / "deploy" / "docker-compose.yml").write_text(COMPOSE)
    run(capsys, "--write-baseline", "baseline.json")
    monkeypatch.chdir(repo / "deploy")

    assert found(capsys, "--baseline", "../baseline.json") == []
    assert found(capsys) == [("SL101", 5)]


def test_baseline_with_config_and_inline_suppression(repo: Path, capsys) -> None:
    run(capsys, "--write-baseline", "baseline.json")
    (repo / "docker-compose.yml").write_text(
        COMPOSE
        + "  ci:\n    image: docker:27\n    volumes:\n"
        + "      # sockelint: ignore[SL101] the runner builds images\n"
        + "      - /var/run/docker.sock:/var/run/docker.sock:ro\n"
    )
    (repo / ".sockelint.toml").write_text('[severity]\nSL102 = "note"\n')

    code, out, err = run(capsys, "--baseline", "baseline.json", "--no-color")

    assert code == 1
    assert out.startswith("docker-compose.yml:10:50: SL102 [note] ")
    assert err == (
        "1 finding (1 note) in 1 file scanned; 2 suppressed (1 baseline, 1 inline).\n"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not a sockelint baseline: Expecting property name"),
        ('{"version": 1}', "not a sockelint baseline: no `findings` list"),
        (
            '{"findings": [{"fingerprint": 3}]}',
            "not a sockelint baseline: entry 0 needs a `fingerprint` string and a "
            "positive `count`",
        ),
    ],
)
def test_broken_baseline_exits_2(repo: Path, capsys, text: str, problem: str) -> None:
    (repo / "baseline.json").write_text(text)

    code, out, err = run(capsys, "--baseline", "baseline.json")

    assert (code, out) == (2, "")
    assert err.startswith(f"sockelint: error: baseline.json: {problem}")


def test_missing_baseline_exits_2(repo: Path, capsys) -> None:
    code, _, err = run(capsys, "--baseline", "nowhere.json")

    assert code == 2
    assert err.startswith("sockelint: error: nowhere.json: cannot read: ")


def test_fingerprints_ignore_lines(repo: Path) -> None:
    from sockelint.finding import Finding
    from sockelint.span import Span

    def at(line: int) -> Finding:
        span = Span("docker-compose.yml", line, 9, line, 20)
        return Finding("SL101", span, "message", subject="/var/run/docker.sock|app")

    assert baseline.fingerprint(at(5), repo) == baseline.fingerprint(at(50), repo)


def test_rewriting_a_baseline_keeps_the_old_findings(repo: Path, capsys) -> None:
    run(capsys, "--write-baseline", "baseline.json")
    (repo / "docker-compose.yml").write_text(COMPOSE_MOVED + NEW_SERVICE)

    run(capsys, "--baseline", "baseline.json", "--write-baseline", "baseline.json")

    entries = json.loads((repo / "baseline.json").read_text())["findings"]
    assert sum(entry["count"] for entry in entries) == 2
    assert found(capsys, "--baseline", "baseline.json") == []
