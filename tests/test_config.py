"""The configuration file: discovery, every key, errors, and CLI precedence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockelint import cli, config
from sockelint.finding import Finding
from sockelint.span import Span

SOCKET_RO = """\
services:
  app:
    image: example/app:1.2
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
"""

PORTAINER = """\
services:
  portainer:
    image: portainer/portainer-ce:2.19.4
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one socket mount (SL101 and SL102) at its top."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker-compose.yml").write_text(SOCKET_RO)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rules_found(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    code, out, err = run(capsys, "--format", "json", *argv)
    assert code in (0, 1), err
    return [f["rule"] for f in json.loads(out)["findings"]]


# Discovery -----------------------------------------------------------------


def test_dedicated_file_wins_over_pyproject(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text('[tool.sockelint]\nignore = ["SL101"]\n')
    (repo / ".sockelint.toml").write_text('ignore = ["SL102"]\n')

    assert rules_found(capsys) == ["SL101"]


def test_pyproject_table(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.sockelint]\nignore = ["SL102"]\n'
    )

    assert rules_found(capsys) == ["SL101"]


def test_pyproject_without_the_table_is_passed_over(repo: Path, capsys) -> None:
    sub = repo / "deploy"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.ruff]\nselect = ["E"]\n')
    (repo / ".sockelint.toml").write_text('ignore = ["SL102"]\n')

    assert config.discover(sub) == repo / ".sockelint.toml"


def test_found_from_a_subfolder_up_to_the_repository_top(
    repo: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".sockelint.toml").write_text('ignore = ["SL102"]\n')
    sub = repo / "deploy"
    sub.mkdir()
    (sub / "docker-compose.yml").write_text(SOCKET_RO)
    monkeypatch.chdir(sub)

    assert rules_found(capsys) == ["SL101"]


def test_discovery_stops_at_the_repository_top(repo: Path) -> None:
    (repo / ".sockelint.toml").write_text('ignore = ["SL102"]\n')
    inner = repo / "vendor" / "other"
    (inner / ".git").mkdir(parents=True)

    assert config.discover(inner) is None
    assert config.discover(repo / "vendor") == repo / ".sockelint.toml"


def test_config_option_and_isolated(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text('ignore = ["SL102"]\n')
    (repo / "strict.toml").write_text('ignore = ["SL101"]\n')

    assert rules_found(capsys, "--config", "strict.toml") == ["SL102"]
    assert rules_found(capsys, "--isolated") == ["SL101", "SL102"]


def test_missing_config_file_is_a_usage_error(repo: Path, capsys) -> None:
    code, out, err = run(capsys, "--config", "nowhere.toml")

    assert code == 2
    assert out == ""
    assert err == "sockelint: error: no such configuration file: nowhere.toml\n"


# Keys ----------------------------------------------------------------------


def test_select_and_ignore_by_id_or_name(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text('select = ["read-only-socket-trust"]\n')
    assert rules_found(capsys) == ["SL102"]

    (repo / ".sockelint.toml").write_text('ignore = ["engine-socket-mount"]\n')
    assert rules_found(capsys) == ["SL102"]


def test_cli_select_replaces_and_cli_ignore_adds(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text('select = ["SL102"]\nignore = ["SL103"]\n')

    assert rules_found(capsys, "--select", "SL101,SL103") == ["SL101"]
    assert rules_found(capsys, "--ignore", "SL102") == []


def test_severity_override_reaches_reports_and_exit_code(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text(
        'fail-on = "error"\n[severity]\nSL101 = "warning"\nSL102 = "note"\n'
    )

    code, out, _ = run(capsys, "--format", "json")

    assert code == 0
    levels = {f["rule"]: f["severity"] for f in json.loads(out)["findings"]}
    assert levels == {"SL101": "warning", "SL102": "note"}
    assert run(capsys, "--fail-on", "warning")[0] == 1


def test_exclude_applies_to_walked_and_named_files(repo: Path, capsys) -> None:
    (repo / "examples").mkdir()
    (repo / "examples" / "docker-compose.yml").write_text(SOCKET_RO)
    (repo / "notes.txt").write_text("hello")
    (repo / ".sockelint.toml").write_text(
        'exclude = ["examples/", "/docker-compose.yml", "*.txt"]\n'
    )

    code, out, _ = run(capsys, "--format", "json")
    assert (code, json.loads(out)["scanned"]) == (0, 0)

    code, out, _ = run(
        capsys, "--format", "json", "examples/docker-compose.yml", "notes.txt"
    )
    assert json.loads(out) == {"findings": [], "skipped": [], "scanned": 0}


def test_exclude_with_negation(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text(
        'exclude = ["*.yml", "!docker-compose.yml"]\n'
    )

    assert rules_found(capsys) == ["SL101", "SL102"]


def test_per_file_ignores(repo: Path, capsys) -> None:
    (repo / "ci").mkdir()
    (repo / "ci" / "docker-compose.yml").write_text(SOCKET_RO)
    (repo / ".sockelint.toml").write_text(
        '[per-file-ignores]\n"ci/**" = ["SL101", "read-only-socket-trust"]\n'
    )

    code, out, _ = run(capsys, "--format", "concise", "--no-color")

    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "docker-compose.yml",
        "docker-compose.yml",
    ]


def test_allow_by_image_matches_any_tag(repo: Path, capsys) -> None:
    (repo / "docker-compose.yml").write_text(PORTAINER)
    (repo / ".sockelint.toml").write_text(
        "[[allow]]\n"
        'image = "portainer/portainer-ce"\n'
        'reason = "the dashboard manages the containers of this host"\n'
    )

    code, out, err = run(capsys, "--no-color")

    assert (code, out) == (0, "")
    assert err == "No findings in 1 file scanned; 1 suppressed (1 allowlist).\n"


def test_allow_by_image_glob_and_by_path(repo: Path, capsys) -> None:
    (repo / "tools").mkdir()
    (repo / "tools" / "docker-compose.yml").write_text(PORTAINER)
    (repo / ".sockelint.toml").write_text(
        'allow = [\n  { image = "example/*", reason = "ours" },\n'
        '  { path = "tools/", reason = "local tools only" },\n]\n'
    )

    assert rules_found(capsys) == []


def test_allow_image_does_not_match_another_image(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text(
        'allow = [{ image = "example/app-other", reason = "no" }]\n'
    )

    assert rules_found(capsys) == ["SL101", "SL102"]


def test_max_file_size_and_format(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text('max-file-size = "10"\nformat = "json"\n')

    code, out, _ = run(capsys)

    assert code == 0
    assert json.loads(out)["skipped"][0]["reason"].startswith("larger than 10 bytes")
    code, out, _ = run(capsys, "--format", "concise", "--max-file-size", "1M")
    assert code == 1
    assert out.startswith("docker-compose.yml:5:9: SL101 ")


@pytest.mark.parametrize(
    ("image", "pattern", "matches"),
    [
        ("portainer/portainer-ce:2.19", "portainer/portainer-ce", True),
        ("portainer/portainer-ce@sha256:ab", "portainer/portainer-ce", True),
        ("portainer/portainer-ce:2.19", "portainer/*", True),
        ("registry:5000/team/agent", "registry:5000/team/agent", True),
        ("portainer/portainer-ce", "portainer/portainer", False),
        ("", "*", False),
    ],
)
def test_image_patterns(image: str, pattern: str, matches: bool) -> None:
    finding = Finding("SL101", Span("a.yml", 1, 1, 1, 2), "m", workload_image=image)
    entry = config.Allow("reason", image=pattern)

    assert entry.covers(finding) is matches


# Errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'select = ["SL101"]\nignre = ["SL102"]\n',
            ".sockelint.toml:2: `ignre`: unknown key (known keys: allow, exclude, "
            "fail-on, format, ignore, max-file-size, per-file-ignores, select, "
            "severity)",
        ),
        (
            'select = "SL101"\n',
            ".sockelint.toml:1: `select`: expected a list of strings",
        ),
        (
            'ignore = ["SL999"]\n',
            ".sockelint.toml:1: `ignore`: unknown rule 'SL999'; `sockelint rules` "
            "lists them",
        ),
        (
            "[severity]\nSL101 = 'fatal'\n",
            ".sockelint.toml:1: `severity.SL101`: expected one of error, warning, note",
        ),
        (
            'fail-on = "high"\n',
            ".sockelint.toml:1: `fail-on`: expected one of error, warning, note",
        ),
        (
            "max-file-size = -3\n",
            ".sockelint.toml:1: `max-file-size`: expected a positive size (a number, "
            "or 512K, 10M)",
        ),
        (
            'format = "xml"\n',
            ".sockelint.toml:1: `format`: expected one of text, concise, json, sarif, "
            "github, gitlab",
        ),
        (
            '[[allow]]\nimage = "x"\n',
            ".sockelint.toml:1: `allow[0]`: every entry needs a `reason`",
        ),
        (
            '[[allow]]\nimage = "x"\nreason = "r"\nimgae = "y"\n',
            ".sockelint.toml:1: `allow[0].imgae`: unknown key",
        ),
        (
            '[[allow]]\nreason = "r"\n',
            ".sockelint.toml:1: `allow[0]`: expected `image` or `path`",
        ),
        (
            '[per-file-ignores]\n"ci/*" = "SL101"\n',
            ".sockelint.toml:1: `per-file-ignores.ci/*`: expected a list of strings",
        ),
        ("select = [", ".sockelint.toml: not valid TOML: "),
    ],
)
def test_configuration_errors_name_file_and_key(
    repo: Path, capsys, text: str, message: str
) -> None:
    (repo / ".sockelint.toml").write_text(text)

    code, out, err = run(capsys)

    assert code == 2
    assert out == ""
    assert err.startswith("sockelint: error: " + message)


def test_pyproject_error_line_is_inside_the_table(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.ruff]\nselect = ["E"]\n\n[tool.sockelint]\nselect = ["nope"]\n'
    )

    code, _, err = run(capsys)

    assert code == 2
    assert err.startswith("sockelint: error: pyproject.toml:5: `select`: unknown rule")


def test_isolated_skips_a_broken_file(repo: Path, capsys) -> None:
    (repo / ".sockelint.toml").write_text("not toml at all [")

    assert run(capsys, "--isolated")[0] == 1
    assert run(capsys)[0] == 2


def test_readme_example_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example)

    loaded = config.load(tmp_path / "pyproject.toml")

    assert loaded.ignore == ["SL302"]
    assert loaded.severity == {"SL302": "note"}
    assert [entry.image for entry in loaded.allow] == ["portainer/portainer-ce", None]
    assert loaded.excluded(str(tmp_path / "examples" / "docker-compose.yml"))
