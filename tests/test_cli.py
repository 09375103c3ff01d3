"""The command line end to end: exit codes, formats, stdin, subcommands."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sockelint import cli

SOCKET_COMPOSE = """\
services:
  app:
    image: example/app
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""

CLEAN_COMPOSE = """\
services:
  app:
    image: example/app
    volumes:
      - ./data:/data
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "docker-compose.yml").write_text(SOCKET_COMPOSE)
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "docker-compose.yml").write_text(CLEAN_COMPOSE)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def feed_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    stream = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)


def test_json_reports_socket_mount_at_line_5(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--format", "json", "docker-compose.yml")

    report = json.loads(out)
    assert code == 1
    assert report["scanned"] == 1
    assert report["skipped"] == []
    socket = [f for f in report["findings"] if f["rule"] == "SL101"]
    assert [(f["path"], f["line"], f["column"]) for f in socket] == [
        ("docker-compose.yml", 5, 9)
    ]
    assert set(socket[0]) == {
        "rule",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "advice",
        "fingerprint",
    }
    assert socket[0]["name"] == "engine-socket-mount"
    assert socket[0]["severity"] == "error"


def test_clean_file_exits_0(project: Path, capsys) -> None:
    code, out, err = run(capsys, "clean")

    assert code == 0
    assert out == ""
    assert "No findings in 1 file scanned" in err


def test_default_path_is_the_working_directory(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--format", "concise")

    assert code == 1
    assert out.startswith("docker-compose.yml:5:9: SL101 ")


def test_bad_flag_exits_2(project: Path, capsys) -> None:
    code, out, err = run(capsys, "--no-such-flag")

    assert code == 2
    assert out == ""
    assert "unrecognized arguments: --no-such-flag" in err


def test_bad_format_exits_2(project: Path, capsys) -> None:
    code, _, err = run(capsys, "--format", "xml", ".")

    assert code == 2
    assert "invalid choice" in err


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_is_a_usage_error(project: Path, capsys, option: str) -> None:
    code, out, err = run(capsys, option, "SL101,no-such-rule", ".")

    assert code == 2
    assert out == ""
    assert "unknown rule 'no-such-rule' in " + option in err


def test_missing_path_is_a_usage_error(project: Path, capsys) -> None:
    code, _, err = run(capsys, "nowhere.yml")

    assert code == 2
    assert "no such file or directory: nowhere.yml" in err


def test_select_by_name_and_ignore_by_id(project: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "--format", "concise", "--select", "engine-socket-mount,SL102"
    )
    assert code == 1
    assert {line.split()[1] for line in out.splitlines()} == {"SL101"}

    code, out, _ = run(capsys, "--ignore", "SL101", "--ignore", "SL102,SL103")
    assert code == 0
    assert out == ""


def test_fail_on_threshold(project: Path, capsys) -> None:
    (project / "docker-compose.yml").write_text(
        SOCKET_COMPOSE.replace("docker.sock\n", "docker.sock:ro\n")
    )
    only_warning = ("--select", "SL102", "docker-compose.yml")

    assert run(capsys, *only_warning)[0] == 1
    assert run(capsys, "--fail-on", "warning", *only_warning)[0] == 1
    assert run(capsys, "--fail-on", "error", *only_warning)[0] == 0
    assert run(capsys, "--fail-on", "error", "docker-compose.yml")[0] == 1


def test_exit_zero(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--exit-zero", "docker-compose.yml")

    assert code == 0
    assert "SL101" in out


def test_concise_from_stdin_uses_the_given_name(
    project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_stdin(monkeypatch, SOCKET_COMPOSE)

    code, out, _ = run(
        capsys,
        "--format",
        "concise",
        "--stdin-filename",
        "deploy/docker-compose.yml",
        "-",
    )

    assert code == 1
    assert re.match(r"^deploy/docker-compose\.yml:5:\d+: SL101 \S", out)


def test_stdin_without_a_name_is_recognised_by_its_content(
    project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_stdin(monkeypatch, SOCKET_COMPOSE)

    code, out, _ = run(capsys, "--format", "concise", "-")

    assert code == 1
    assert re.match(r"^<stdin>:5:\d+: SL101 \S", out)


def test_stdin_of_no_recognisable_kind_is_skipped_with_a_hint(
    project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_stdin(monkeypatch, "just some words\n")

    code, out, _ = run(capsys, "--format", "json", "-")

    assert code == 0
    assert json.loads(out)["skipped"] == [
        {"path": "<stdin>", "reason": "unknown kind (name it with --stdin-filename)"}
    ]


def test_text_format_shows_excerpt_and_summary(project: Path, capsys) -> None:
    code, out, err = run(capsys, "--no-color", "docker-compose.yml")

    assert code == 1
    assert out.startswith("docker-compose.yml:5:9: SL101 [error] ")
    assert "   5 |       - /var/run/docker.sock:/var/run/docker.sock\n" in out
    assert "|         ^~~~" in out
    assert "\x1b[" not in out
    assert re.search(r"\d+ findings? \(.*\) in 1 file scanned\.", err)


def test_quiet_keeps_only_findings(project: Path, capsys) -> None:
    (project / "notes.txt").write_text("hello")

    code, out, err = run(capsys, "--quiet", "docker-compose.yml", "notes.txt")

    assert code == 1
    assert "SL101" in out
    assert err == ""


def test_skipped_files_go_to_stderr(project: Path, capsys) -> None:
    (project / "notes.txt").write_text("hello")

    code, out, err = run(capsys, "--format", "concise", "clean", "notes.txt")

    assert code == 0
    assert out == ""
    assert "notes.txt: skipped: unknown kind" in err


def test_verbose_logs_to_stderr(project: Path, capsys) -> None:
    code, out, err = run(capsys, "-v", "--format", "concise", "clean")

    assert code == 0
    assert out == ""
    assert "checking clean/docker-compose.yml as compose" in err


def test_max_file_size(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--max-file-size", "10", "--format", "json", ".")

    report = json.loads(out)
    assert code == 0
    assert report["scanned"] == 0
    assert {s["reason"].split(" (")[0] for s in report["skipped"]} == {
        "larger than 10 bytes"
    }
    assert run(capsys, "--max-file-size", "lots", ".")[0] == 2


def test_keyboard_interrupt_exits_130(
    project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(arguments: list[str]) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_check_command", interrupted)

    code, _, err = run(capsys, ".")

    assert code == 130
    assert "Traceback" not in err


def test_internal_error_exits_2(
    project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(arguments: list[str]) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_check_command", broken)

    code, _, err = run(capsys, ".")

    assert code == 2
    assert "internal error" in err and "boom" in err


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    services = "".join(
        f"  s{n}:\n    image: x\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
        for n in range(1500)
    )
    (tmp_path / "docker-compose.yml").write_text("services:\n" + services)

    reader = subprocess.Popen(
        [sys.executable, "-m", "sockelint", "--format", "concise", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(10)
    reader.stdout.close()
    err = reader.stderr.read().decode()
    reader.wait(timeout=60)

    assert "Traceback" not in err
    assert "BrokenPipe" not in err


def test_help_lists_every_format_and_subcommand(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "--help")

    assert code == 0
    for name in ("text", "concise", "json", "sockelint rules", "sockelint explain"):
        assert name in out


def test_rules_json(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")

    listing = json.loads(out)
    assert code == 0
    socket = next(item for item in listing if item["id"] == "SL101")
    assert socket["name"] == "engine-socket-mount"
    assert all(set(item) == {"id", "name", "severity", "summary"} for item in listing)


def test_rules_text(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "rules")

    assert code == 0
    assert re.search(r"^SL101\s+engine-socket-mount\s+error\s+\S", out, re.M)


@pytest.mark.parametrize("key", ["SL101", "sl101", "engine-socket-mount"])
def test_explain(project: Path, capsys, key: str) -> None:
    code, out, _ = run(capsys, "explain", key)

    assert code == 0
    assert out.startswith("# SL101 engine-socket-mount\n")
    assert "## Why it matters" in out


def test_explain_unknown_rule_exits_2(project: Path, capsys) -> None:
    code, out, err = run(capsys, "explain", "SL999")

    assert code == 2
    assert out == ""
    assert "unknown rule 'SL999'" in err


def test_a_folder_named_like_a_subcommand_is_a_path(project: Path, capsys) -> None:
    (project / "rules").mkdir()
    (project / "rules" / "docker-compose.yml").write_text(SOCKET_COMPOSE)

    code, out, _ = run(capsys, "--format", "concise", "rules")
    assert code == 1
    assert out.startswith("rules/docker-compose.yml:5:9: SL101")

    code, out, _ = run(capsys, "rules")
    assert code == 1
    assert "rules/docker-compose.yml:5:9" in out


def test_python_dash_m(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sockelint", "--format", "concise", "clean"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("selection", ["", ",", " , "])
def test_a_selection_of_no_rule_is_a_usage_error(
    project: Path, capsys, selection: str
) -> None:
    """`--select "$RULES"` with RULES unset must not check nothing and pass."""
    code, _, err = run(capsys, "--select", selection, "docker-compose.yml")

    assert code == 2
    assert "--select names no rule" in err
