"""Each output format, written from a fixed report: exact shapes."""

from __future__ import annotations

import importlib
import io
import json
import re

import pytest

from sockelint import report
from sockelint.finding import Finding
from sockelint.report import Report, Skip
from sockelint.span import Span

LINES = [
    "services:",
    "  app:",
    "    image: example/app",
    "    volumes:",
    "\t- /var/run/docker.sock:/var/run/docker.sock:ro",
]

# vim's default errorformat `%f:%l:%c: %m` as a regular expression.
VIM_ERRORFORMAT = re.compile(r"^(?P<f>[^\n]+?):(?P<l>\d+):(?P<c>\d+): (?P<m>.+)$")


def sample() -> Report:
    findings = [
        Finding(
            "SL101",
            Span("deploy/docker-compose.yml", 5, 4, 5, 48),
            "The socket is mounted.",
            advice="Use a socket proxy.",
            subject="/var/run/docker.sock app",
        ),
        Finding(
            "SL102",
            Span("deploy/docker-compose.yml", 5, 45, 5, 48),
            "Read-only does not help.\nAt all.",
        ),
    ]
    return Report(
        findings,
        skipped=[Skip("notes/README.txt", "unknown kind")],
        scanned=3,
        lines={"deploy/docker-compose.yml": LINES},
    )


def write(name: str, outcome: Report) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    report.writer(name)(outcome, out, err)
    return out.getvalue(), err.getvalue()


def test_registry_drives_every_format() -> None:
    assert [f.name for f in report.FORMATS] == list(report.BY_NAME)
    for chosen in report.FORMATS:
        module = importlib.import_module(chosen.module)
        assert callable(module.write), chosen.name
        assert chosen.help


def test_text() -> None:
    out, err = write("text", sample())

    assert out == (
        "deploy/docker-compose.yml:5:4: SL101 [error] The socket is mounted.\n"
        "   5 | \t- /var/run/docker.sock:/var/run/docker.sock:ro\n"
        "     | \t  ^" + "~" * 43 + "\n"
        "     = advice: Use a socket proxy.\n"
        "\n"
        "deploy/docker-compose.yml:5:45: SL102 [warning] Read-only does not help.\n"
        "At all.\n"
        "   5 | \t- /var/run/docker.sock:/var/run/docker.sock:ro\n"
        "     | \t" + " " * 43 + "^~~\n"
        "\n"
    )
    assert err == "2 findings (1 error, 1 warning) in 3 files scanned, 1 skipped.\n"


def test_text_colour_only_when_asked() -> None:
    outcome = sample()
    outcome.color = True

    out, _ = write("text", outcome)

    assert "\x1b[31mSL101 [error]\x1b[0m" in out
    assert "\x1b[33mSL102 [warning]\x1b[0m" in out


def test_text_without_findings() -> None:
    out, err = write("text", Report([], scanned=1))

    assert out == ""
    assert err == "No findings in 1 file scanned.\n"


def test_text_span_past_the_line_end_and_missing_source() -> None:
    finding = Finding("SL000", Span("a.yml", 2, 9, 3, 1), "Broken.")
    outcome = Report([finding], scanned=1, lines={"a.yml": ["x", "ab"]})

    out, _ = write("text", outcome)

    assert "   2 | ab\n     |   ^\n" in out
    out, _ = write("text", Report([finding], scanned=1))
    assert out == "a.yml:2:9: SL000 [error] Broken.\n\n"


def test_concise_lines_match_vims_errorformat() -> None:
    out, err = write("concise", sample())

    lines = out.splitlines()
    assert lines == [
        "deploy/docker-compose.yml:5:4: SL101 The socket is mounted.",
        "deploy/docker-compose.yml:5:45: SL102 Read-only does not help. At all.",
    ]
    for line in lines:
        match = VIM_ERRORFORMAT.match(line)
        assert match, line
        assert match["f"] == "deploy/docker-compose.yml"
        assert re.match(r"SL\d{3} ", match["m"])
    assert err == ""


def test_json_contract() -> None:
    out, err = write("json", sample())

    document = json.loads(out)
    assert set(document) == {"findings", "skipped", "scanned"}
    assert document["scanned"] == 3
    assert document["skipped"] == [
        {"path": "notes/README.txt", "reason": "unknown kind"}
    ]
    first = document["findings"][0]
    assert first == {
        "rule": "SL101",
        "name": "engine-socket-mount",
        "severity": "error",
        "path": "deploy/docker-compose.yml",
        "line": 5,
        "column": 4,
        "end_line": 5,
        "end_column": 48,
        "message": "The socket is mounted.",
        "advice": "Use a socket proxy.",
        "fingerprint": first["fingerprint"],
    }
    assert re.fullmatch(r"[0-9a-f]{16}", first["fingerprint"])
    assert err == ""


def test_json_fingerprint_ignores_the_line() -> None:
    moved = Finding(
        "SL101",
        Span("deploy/docker-compose.yml", 9, 4, 9, 48),
        "The socket is mounted.",
        subject="/var/run/docker.sock app",
    )

    out, _ = write("json", Report([moved]))

    original = json.loads(write("json", sample())[0])["findings"][0]
    assert json.loads(out)["findings"][0]["fingerprint"] == original["fingerprint"]


@pytest.mark.parametrize("rule", ["SL101", "SL999"])
def test_severity_lookup(rule: str) -> None:
    assert report.severity(rule) == "error"


def test_findings_about_the_same_thing_keep_distinct_fingerprints() -> None:
    """Three identical mounts in one script: code scanning and GitLab would
    merge them under one fingerprint, so each report keeps them apart, and
    the fingerprints still do not depend on lines."""
    same = [
        Finding("SL101", Span("run.sh", line, 11, line, 50), "socket", subject="s")
        for line in (3, 7, 12)
    ]
    moved = [
        Finding("SL101", Span("run.sh", line + 5, 11, line + 5, 50), "socket", "", "s")
        for line in (3, 7, 12)
    ]

    first = Report(findings=same).fingerprints()
    again = Report(findings=moved).fingerprints()

    assert len(set(first)) == 3
    assert first == again
    for name in ("json", "sarif", "gitlab"):
        out, _ = write(name, Report(findings=same))
        assert all(fingerprint in out for fingerprint in first), name


def test_text_marker_counts_wide_characters_as_two_cells() -> None:
    line = 'echo "日本語" && docker run -v /s:/s x'
    column = line.index("-v") + 1
    finding = Finding("SL101", Span("a.sh", 1, column, 1, column + 2), "Socket.")

    out, _ = write("text", Report([finding], scanned=1, lines={"a.sh": [line]}))

    # `echo "` is 6 cells, the three characters 6 more, `" && docker run ` 16.
    assert f"     | {' ' * 28}^~\n" in out


def test_text_shows_a_window_of_a_long_line() -> None:
    line = "a" * 500 + " -v /s:/s " + "b" * 500
    column = line.index("-v") + 1
    finding = Finding("SL101", Span("a.sh", 1, column, 1, column + 2), "Socket.")

    out, _ = write("text", Report([finding], scanned=1, lines={"a.sh": [line]}))
    shown = out.splitlines()[1]

    assert len(shown) < 200
    assert shown.startswith("   1 | …") and shown.endswith("…")
    assert out.splitlines()[2].endswith("^~")
