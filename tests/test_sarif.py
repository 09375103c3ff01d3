"""SARIF output: the OASIS schema, what GitHub code scanning needs, and the
exact shape of a result, a rule and a skipped file."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sockelint import __version__, cli, ruledocs
from sockelint.finding import Finding
from sockelint.report import Report, Skip, sarif
from sockelint.rules import RULES
from sockelint.span import Span

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "sarif" / "sarif-2.1.0.json"
MULTITOOL = (
    Path(__file__).resolve().parents[1]
    / ".ci/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
)

COMPOSE = """\
services:
  app:
    image: example/app
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
"""


def sample() -> Report:
    findings = [
        Finding(
            "SL101",
            Span("deploy/docker-compose.yml", 5, 9, 5, 53),
            "The socket is mounted.",
            advice="Use a socket proxy.",
            subject="/var/run/docker.sock|app",
        ),
        Finding(
            "SL000",
            Span("broken file.yml", 3, 1, 3, 2),
            "Not YAML.",
        ),
    ]
    return Report(
        findings,
        skipped=[Skip("bin/tool", "binary (NUL byte in the first 8 KB)")],
        scanned=2,
        root="/work/repo",
    )


def written(outcome: Report) -> dict[str, Any]:
    out = io.StringIO()
    sarif.write(outcome, out, io.StringIO())
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def schema_errors(document: dict[str, Any]) -> list[str]:
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SCHEMA}")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    return [
        f"{'/'.join(map(str, e.path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_sample_is_valid_for_the_schema() -> None:
    assert schema_errors(written(sample())) == []


def test_log_header_and_run() -> None:
    document = written(sample())

    assert list(document)[:2] == ["$schema", "version"]
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["tool"]["driver"]["name"] == "sockelint"
    assert run["tool"]["driver"]["version"] == __version__


def test_result_exact() -> None:
    results = written(sample())["runs"][0]["results"]

    assert results[0] == {
        "message": {"text": "The socket is mounted.\n\nAdvice: Use a socket proxy."},
        "level": "error",
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "deploy/docker-compose.yml",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {
                        "endColumn": 53,
                        "endLine": 5,
                        "startColumn": 9,
                        "startLine": 5,
                    },
                }
            }
        ],
        "partialFingerprints": {"sockelint/v1": sample().findings[0].fingerprint()},
        "ruleId": "SL101",
        "ruleIndex": [rule.id for rule in RULES].index("SL101"),
    }
    assert results[1]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "broken%20file.yml",
        "uriBaseId": "%SRCROOT%",
    }
    assert results[1]["ruleIndex"] == 0


def test_rule_index_points_at_the_rule() -> None:
    run = written(sample())["runs"][0]
    rules = run["tool"]["driver"]["rules"]

    assert [r["id"] for r in rules] == [r.id for r in RULES]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rule_descriptor_exact() -> None:
    rules = written(sample())["runs"][0]["tool"]["driver"]["rules"]
    socket = next(rule for rule in rules if rule["id"] == "SL101")
    page = ruledocs.page("SL101")
    assert page is not None

    assert socket == {
        "id": "SL101",
        "defaultConfiguration": {"level": "error"},
        "fullDescription": {"text": socket["fullDescription"]["text"]},
        "help": {"markdown": page, "text": socket["help"]["text"]},
        "name": "engine-socket-mount",
        "properties": {"tags": ["security"], "security-severity": "8.8"},
        "shortDescription": {
            "text": "An engine socket is bind-mounted into a workload."
        },
    }
    assert socket["fullDescription"]["text"].startswith(
        "An engine socket bind-mounted into a workload, in any syntax"
    )
    assert "\n" not in socket["fullDescription"]["text"]
    assert socket["help"]["text"].startswith("SL101 engine-socket-mount\n\nWhat it")
    assert "`" not in socket["help"]["text"]
    assert "```" not in socket["help"]["text"]


def test_every_rule_has_help_and_severity() -> None:
    rules = written(Report([]))["runs"][0]["tool"]["driver"]["rules"]

    for rule in rules:
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} {rule['name']}")
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        level = rule.get("defaultConfiguration", {}).get("level")
        assert level in ("error", "warning")
        if rule["id"] == "SL000":
            assert rule["properties"] == {"tags": ["correctness"]}
        else:
            assert rule["properties"]["tags"] == ["security"]
            assert rule["properties"]["security-severity"] == (
                "8.8" if level == "error" else "5.5"
            )


def test_severity_override_changes_level_and_security_severity() -> None:
    outcome = sample()
    outcome.severities = {"SL101": "warning"}

    run = written(outcome)["runs"][0]

    socket = run["tool"]["driver"]["rules"][1]
    assert socket["defaultConfiguration"] == {"level": "warning"}
    assert socket["properties"]["security-severity"] == "5.5"
    assert run["results"][0]["level"] == "warning"


def test_skipped_files_are_notifications() -> None:
    invocation = written(sample())["runs"][0]["invocations"][0]

    assert invocation == {
        "executionSuccessful": True,
        "toolExecutionNotifications": [
            {
                "message": {
                    "text": "bin/tool was not scanned: binary (NUL byte in the "
                    "first 8 KB)"
                },
                "level": "warning",
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": "bin/tool",
                                "uriBaseId": "%SRCROOT%",
                            }
                        }
                    }
                ],
            }
        ],
    }


def test_schema_defaults_are_left_out() -> None:
    text = json.dumps(written(sample()))

    for default in ('"rank"', '"kind"', '"language"', "newlineSequences", "contents"):
        assert default not in text
    assert '"index": -1' not in text
    assert '"id": -1' not in text


def test_absolute_path_gets_a_file_uri() -> None:
    finding = Finding("SL101", Span("/elsewhere/compose.yaml", 1, 1, 1, 2), "m")

    run = written(Report([finding], root="/work/repo"))["runs"][0]

    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///elsewhere/compose.yaml"}


def test_path_above_the_root_gets_a_file_uri() -> None:
    finding = Finding("SL101", Span("../other/compose.yaml", 1, 1, 1, 2), "m")

    run = written(Report([finding], root="/work/repo"))["runs"][0]

    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///work/other/compose.yaml"}


def test_inverted_span_is_pulled_back_to_its_start() -> None:
    finding = Finding("SL000", Span("a.yml", 4, 6, 3, 1), "m")

    run = written(Report([finding]))["runs"][0]

    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 6, "endLine": 4, "endColumn": 6}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "Dockerfile").write_bytes(b"\x00\x01binary")
    broken = tmp_path / "k8s"
    broken.mkdir()
    (broken / "docker-compose.yml").write_text("services: [\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli_sarif(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = cli.main(["--format", "sarif", "."])
    out, err = capsys.readouterr()
    assert err == "", "skipped files belong in the log, not on stderr"
    return code, json.loads(out)


def test_cli_output_is_valid(project: Path, capsys) -> None:
    code, document = cli_sarif(capsys)

    assert code == 1
    assert schema_errors(document) == []
    run = document["runs"][0]
    assert (
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        == project.resolve().as_uri() + "/"
    )
    assert sorted(r["ruleId"] for r in run["results"]) == ["SL000", "SL101", "SL102"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes
    ] == ["Dockerfile"]


def test_sarif_om_is_imported_only_for_sarif(project: Path) -> None:
    probe = (
        "import sys\n"
        "from sockelint import cli\n"
        "cli.main(['--format', 'json', '--quiet', '.'])\n"
        "sys.stderr.write(str('sarif_om' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )

    assert done.stderr == "False"


@pytest.mark.skipif(
    not os.access(MULTITOOL, os.X_OK),
    reason="the SARIF multitool is installed by .ci/run (needs npm)",
)
def test_github_ingestion_rules(project: Path, capsys, tmp_path: Path) -> None:
    """GitHub's own checks (`--rule-kind Sarif;Gh`) find no error. The tool
    exits 0 either way, so its log is read."""
    _, document = cli_sarif(capsys)
    log = tmp_path / "in.sarif"
    log.write_text(json.dumps(document))
    checked = tmp_path / "checked.sarif"

    done = subprocess.run(
        [
            str(MULTITOOL),
            "validate",
            str(log),
            "--rule-kind",
            "Sarif;Gh",
            "-o",
            str(checked),
            "--log",
            "ForceOverwrite",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(checked.read_text(encoding="utf-8-sig"))["runs"][0]
    errors = [
        r["ruleId"] + " " + json.dumps(r["message"])
        for r in results.get("results", [])
        if r.get("level", "warning") == "error"
    ]
    assert errors == []


def test_run_from_a_subfolder_keeps_uris_relative_to_the_repository(
    project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code scanning resolves `%SRCROOT%` URIs against the repository top, so
    a run from `k8s/` must still say `k8s/docker-compose.yml`."""
    monkeypatch.chdir(project / "k8s")

    code = cli.main(["--format", "sarif", "."])
    run = json.loads(capsys.readouterr().out)["runs"][0]

    assert code == 1
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (
        project.resolve().as_uri() + "/"
    )
    [result] = run["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "k8s/docker-compose.yml", "uriBaseId": "%SRCROOT%"}
