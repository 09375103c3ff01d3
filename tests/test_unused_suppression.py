"""SL001: inline suppression comments that silence nothing, as a truth table
and end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockelint import cli, engine, suppression
from sockelint.document import Document
from sockelint.finding import Finding
from sockelint.rules import RULES
from sockelint.span import Span

MOUNT = "      - /var/run/docker.sock:/var/run/docker.sock"
PLAIN = "      - ./data:/data"
EVERY = frozenset(rule.id for rule in RULES)
ONLY_SL101 = frozenset({"SL101", "SL001"})


def finding(rule: str, line: int) -> Finding:
    return Finding(rule, Span("docker-compose.yml", line, 9, line, 50), "socket")


def document(*lines: str) -> list[str]:
    return ["services:", "  app:", "    volumes:", *lines]


# (case, lines after the first three, findings as (rule, line), selected,
#  expected SL001s as (line, "unused" or "unknown"))
TABLE = [
    ("id used", [MOUNT + "  # sockelint: ignore[SL101]"], [("SL101", 4)], EVERY, []),
    ("id unused", [PLAIN + "  # sockelint: ignore[SL101]"], [], EVERY, [(4, "unused")]),
    (
        "id used from the line above",
        ["      # sockelint: ignore[SL101] reason", MOUNT],
        [("SL101", 5)],
        EVERY,
        [],
    ),
    (
        "id two lines above the finding",
        ["      # sockelint: ignore[SL101]", PLAIN, MOUNT],
        [("SL101", 6)],
        EVERY,
        [(4, "unused")],
    ),
    (
        "id for another rule's finding",
        [MOUNT + "  # sockelint: ignore[SL102]"],
        [("SL101", 4)],
        EVERY,
        [(4, "unused")],
    ),
    (
        "id not selected",
        [PLAIN + "  # sockelint: ignore[SL203]"],
        [],
        ONLY_SL101,
        [],
    ),
    (
        "id selected",
        [PLAIN + "  # sockelint: ignore[SL101]"],
        [],
        ONLY_SL101,
        [(4, "unused")],
    ),
    (
        "one of two named rules not selected",
        [PLAIN + "  # sockelint: ignore[SL101, SL203]"],
        [],
        ONLY_SL101,
        [],
    ),
    (
        "one of two named rules used",
        [MOUNT + "  # sockelint: ignore[SL101, SL102]"],
        [("SL101", 4)],
        EVERY,
        [],
    ),
    (
        "name used",
        [MOUNT + "  # sockelint: ignore[engine-socket-mount]"],
        [("SL101", 4)],
        EVERY,
        [],
    ),
    (
        "name unused",
        [PLAIN + "  # sockelint: ignore[engine-socket-mount]"],
        [],
        EVERY,
        [(4, "unused")],
    ),
    ("bare used", [MOUNT + "  # sockelint: ignore"], [("SL101", 4)], EVERY, []),
    ("bare unused", [PLAIN + "  # sockelint: ignore"], [], EVERY, [(4, "unused")]),
    (
        "bare not every rule selected",
        [PLAIN + "  # sockelint: ignore"],
        [],
        ONLY_SL101,
        [],
    ),
    (
        "bare with every rule but SL001 selected",
        [PLAIN + "  # sockelint: ignore"],
        [],
        EVERY - {"SL001"},
        [(4, "unused")],
    ),
    (
        "ignore-file used",
        ["# sockelint: ignore-file", MOUNT],
        [("SL101", 5)],
        EVERY,
        [],
    ),
    (
        "ignore-file unused",
        ["# sockelint: ignore-file", PLAIN],
        [],
        EVERY,
        [(4, "unused")],
    ),
    (
        "ignore-file not every rule selected",
        ["# sockelint: ignore-file", PLAIN],
        [],
        ONLY_SL101,
        [],
    ),
    (
        "ignore-file for a selected rule, unused",
        ["# sockelint: ignore-file[SL101]", PLAIN],
        [],
        ONLY_SL101,
        [(4, "unused")],
    ),
    (
        "ignore-file for a rule not selected",
        ["# sockelint: ignore-file[SL203]", PLAIN],
        [],
        ONLY_SL101,
        [],
    ),
    (
        "ignore-file too late is no directive",
        [*["# filler"] * 10, "# sockelint: ignore-file", PLAIN],
        [],
        EVERY,
        [],
    ),
    (
        "unknown name",
        [MOUNT + "  # sockelint: ignore[SL1O1]"],
        [("SL101", 4)],
        EVERY,
        [(4, "unknown")],
    ),
    (
        "unknown name whatever is selected",
        [MOUNT + "  # sockelint: ignore[SL1O1]"],
        [],
        ONLY_SL101,
        [(4, "unknown")],
    ),
    (
        "unknown name beside a used one",
        [MOUNT + "  # sockelint: ignore[SL101, engine-sock-mount]"],
        [("SL101", 4)],
        EVERY,
        [(4, "unknown")],
    ),
    ("empty brackets", [PLAIN + "  # sockelint: ignore[]"], [], EVERY, [(4, "unused")]),
    ("no comment", [PLAIN], [], EVERY, []),
]


@pytest.mark.parametrize(
    ("lines", "findings", "selected", "stale"),
    [case[1:] for case in TABLE],
    ids=[case[0] for case in TABLE],
)
def test_truth_table(
    lines: list[str],
    findings: list[tuple[str, int]],
    selected: frozenset[str],
    stale: list[tuple[int, str]],
) -> None:
    before = [finding(rule, line) for rule, line in findings]

    found = suppression.unused(document(*lines), before, selected)

    assert [(d.line, "unknown" if d.unknown else "unused") for d in found] == stale


def test_directive_span_is_the_directive_text() -> None:
    line = PLAIN + "  # sockelint: ignore[SL101] old reason"
    (directive,) = suppression.directives([line])

    assert directive.text == "sockelint: ignore[SL101]"
    assert line[directive.column - 1 : directive.end_column - 1] == directive.text


@pytest.mark.parametrize(
    ("comment", "text"),
    [
        ("# sockelint: ignore reason", "sockelint: ignore"),
        ("// sockelint:ignore-file", "sockelint:ignore-file"),
        ("<!-- sockelint: ignore[SL101, SL102] -->", "sockelint: ignore[SL101, SL102]"),
    ],
)
def test_directive_text_ends_at_the_verb_or_bracket(comment: str, text: str) -> None:
    (directive,) = suppression.directives([comment])

    assert directive.text == text
    assert directive.column == comment.index("sockelint") + 1


# Through the engine: the finding, and what silences it -------------------


def check(
    text: str, selected: frozenset[str] = EVERY
) -> tuple[list[Finding], list[Finding]]:
    rules = [rule for rule in RULES if rule.id in selected]
    silenced: list[Finding] = []
    kept = engine.check(
        Document("docker-compose.yml", text, "compose"), rules, (), silenced
    )
    return kept, silenced


def compose(*lines: str) -> str:
    return (
        "\n".join(["services:", "  app:", "    image: nginx", "    volumes:", *lines])
        + "\n"
    )


def test_engine_reports_the_stale_comment() -> None:
    text = compose(PLAIN + "  # sockelint: ignore[SL101] the agent needs it")

    kept, _ = check(text)

    (stale,) = kept
    assert stale.rule == "SL001"
    assert (stale.span.line, stale.span.column) == (5, len(PLAIN) + 5)
    assert stale.span.end_column == stale.span.column + len("sockelint: ignore[SL101]")
    assert stale.message == (
        "The comment `sockelint: ignore[SL101]` silences nothing here: a stale "
        "ignore hides the next finding it was not meant for."
    )
    assert stale.advice.startswith("Remove it, or move it onto the line")


def test_engine_reports_an_unknown_name_and_keeps_the_finding() -> None:
    kept, _ = check(compose(MOUNT + "  # sockelint: ignore[SL1O1]"))

    assert sorted(f.rule for f in kept) == ["SL001", "SL101"]
    (stale,) = [f for f in kept if f.rule == "SL001"]
    assert "names no rule: `SL1O1`" in stale.message


def test_a_used_comment_is_not_reported() -> None:
    kept, silenced = check(compose(MOUNT + "  # sockelint: ignore[SL101]"))

    assert kept == []
    assert [f.rule for f in silenced] == ["SL101"]


def test_naming_sl001_in_the_comment_keeps_it_quietly() -> None:
    kept, silenced = check(compose(PLAIN + "  # sockelint: ignore[SL101, SL001]"))

    assert kept == []
    assert [f.rule for f in silenced] == ["SL001"]


def test_an_sl001_comment_on_the_line_above_silences_it() -> None:
    text = compose(
        "      # sockelint: ignore[unused-suppression] kept for the template",
        PLAIN + "  # sockelint: ignore[SL101]",
    )

    kept, silenced = check(text)

    assert kept == []
    assert {f.span.line for f in silenced} == {5, 6}


def test_a_bare_ignore_does_not_silence_its_own_sl001() -> None:
    kept, _ = check(compose(PLAIN + "  # sockelint: ignore"))

    assert [f.rule for f in kept] == ["SL001"]


def test_not_selected_means_not_judged() -> None:
    kept, _ = check(compose(PLAIN + "  # sockelint: ignore[SL101]"), EVERY - {"SL001"})

    assert kept == []


def test_a_file_not_read_completely_is_not_judged() -> None:
    text = "services:\n  app:\n    volumes: [  # sockelint: ignore[SL101]\n"
    typo = "services:\n  app:\n    volumes: [  # sockelint: ignore[SL1O1]\n"

    assert [f.rule for f in check(text)[0]] == ["SL000"]
    assert sorted(f.rule for f in check(typo)[0]) == ["SL000", "SL001"]


def test_fingerprint_survives_lines_moving() -> None:
    comment = PLAIN + "  # sockelint: ignore[SL101]"
    first, _ = check(compose(comment))
    moved, _ = check(compose(PLAIN, PLAIN, comment))

    assert first[0].fingerprint() == moved[0].fingerprint()
    assert first[0].span.line != moved[0].span.line


# The command line -----------------------------------------------------------

STALE_COMPOSE = """\
services:
  web:
    image: nginx
    volumes:
      - ./site:/usr/share/nginx/html:ro  # sockelint: ignore[SL101] old agent
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docker-compose.yml").write_text(STALE_COMPOSE)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--isolated", "--format", "json", ".")

    report = json.loads(out)
    assert code == 1
    (item,) = report["findings"]
    column = STALE_COMPOSE.splitlines()[4].index("sockelint") + 1
    assert {
        k: v for k, v in item.items() if k not in ("message", "advice", "fingerprint")
    } == {
        "rule": "SL001",
        "name": "unused-suppression",
        "severity": "warning",
        "path": "docker-compose.yml",
        "line": 5,
        "column": column,
        "end_line": 5,
        "end_column": column + len("sockelint: ignore[SL101]"),
    }
    assert item["message"].startswith("The comment `sockelint: ignore[SL101]` silences")


def test_cli_ignore_sl001_turns_it_off(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--isolated", "--format", "json", "--ignore", "SL001", "."
    )

    assert code == 0
    assert json.loads(out)["findings"] == []


def test_cli_select_without_sl001(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--isolated", "--format", "json", "--select", "SL101", "."
    )

    assert code == 0
    assert json.loads(out)["findings"] == []


def test_cli_configuration_ignore(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".sockelint.toml").write_text('ignore = ["unused-suppression"]\n')

    code, _, _ = run(capsys, "--format", "json", ".")

    assert code == 0
