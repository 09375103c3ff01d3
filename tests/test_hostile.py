"""Hostile and broken input: the run keeps working and loses nothing.

Each test runs the command line on files written to hurt a linter and checks
the exact outcome: exit code, skipped reasons, SL000 lines, and the findings
that must still be reported. Speed and memory are measured by hand (see the
issue's closing note), never asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sockelint import cli, engine, yamlnodes

SOCK = "/var/run/docker.sock"
SOCKET_COMPOSE = (
    f"services:\n  app:\n    image: x\n    volumes:\n      - {SOCK}:{SOCK}\n"
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = cli.main(["--format", "json", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


def found(report: dict) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["rule"]) for f in report["findings"]]


def messages(report: dict, rule: str = "SL000") -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == rule]


def skipped(report: dict) -> list[tuple[str, str]]:
    return [(s["path"], s["reason"]) for s in report["skipped"]]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


# Limits ----------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_skipped_with_the_reason(here, capsys) -> None:
    write(here / "docker-compose.yml", SOCKET_COMPOSE)

    code, report = run_json(capsys, "--max-file-size", "20", ".")

    assert code == 0
    assert report["scanned"] == 0
    assert skipped(report) == [
        ("docker-compose.yml", f"larger than 20 bytes ({len(SOCKET_COMPOSE)} bytes)")
    ]


LAUGHS = ['x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
    f"x-a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)
]


def test_billion_laughs_is_read_as_shared_nodes(here, capsys) -> None:
    write(
        here / "docker-compose.yml",
        "\n".join(LAUGHS)
        + "\nservices:\n  app:\n    image: x\n    command: *a9\n"
        + "    environment: *a9\n    labels: *a9\n"
        + f"    volumes:\n      - {SOCK}:{SOCK}\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("docker-compose.yml", 18, "SL101")]


def test_billion_laughs_in_a_kubernetes_manifest(here, capsys) -> None:
    laughs = "\n".join("  " + line[2:] for line in LAUGHS)
    write(
        here / "pod.yaml",
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nx:\n{laughs}\n"
        "spec:\n  containers:\n  - name: c\n    image: x\n    args: *a9\n"
        "    env: *a9\n    volumeMounts: *a9\n  volumes:\n  - name: s\n"
        f"    hostPath:\n      path: {SOCK}\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("pod.yaml", 26, "SL101")]


def test_deep_flow_nesting_is_sl000_at_its_line(here, capsys) -> None:
    write(
        here / "docker-compose.yml",
        "services:\n  app:\n    labels: " + "[" * 10_000 + "]" * 10_000 + "\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("docker-compose.yml", 3, "SL000")]
    assert messages(report) == [
        "Could not read this compose file: nesting deeper than "
        f"{yamlnodes.MAX_FLOW_DEPTH} levels at line 3"
    ]


def test_deep_block_nesting_is_sl000_where_the_parser_gave_up(here, capsys) -> None:
    lines = "".join(" " * (level + 1) + f"k{level}:\n" for level in range(1000))
    write(here / "docker-compose.yml", "services:\n" + lines)

    code, report = run_json(capsys, ".")

    # The line depends on the stack left when the parser starts: it is
    # somewhere inside the nesting, and the message names the same line.
    assert code == 1
    [(path, line, rule)] = found(report)
    assert (path, rule) == ("docker-compose.yml", "SL000")
    assert 2 < line <= 1001
    assert messages(report) == [
        "Could not read this compose file: "
        + (
            f"YAML nested too deeply to read at line {line}"
            if line != yamlnodes.MAX_DEPTH + 2
            else f"nesting deeper than {yamlnodes.MAX_DEPTH} levels at line {line}"
        )
    ]


def test_too_many_flow_collections_are_refused(here, capsys) -> None:
    write(here / "docker-compose.yml", "x: [" + "[], " * 60_000 + "]\n")

    code, report = run_json(capsys, ".")

    assert code == 1
    assert messages(report) == [
        "Could not read this compose file: more than "
        f"{yamlnodes.MAX_FLOW_COLLECTIONS} flow collections"
    ]


def test_yaml_beyond_what_the_parser_handles_is_sl000(here, capsys) -> None:
    write(
        here / "docker-compose.yml",
        SOCKET_COMPOSE + "x-pad: " + "a" * yamlnodes.MAX_CHARS + "\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("docker-compose.yml", 1, "SL000")]
    assert messages(report) == [
        "Could not read this compose file: too large to parse: more than "
        f"{yamlnodes.MAX_CHARS} characters of YAML"
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Dockerfile", "FROM x\n" + "RUN echo hi\n" * 100_000),
        ("Makefile", "all:\n" + "\techo hi\n" * 130_000),
    ],
)
def test_oversized_dockerfile_and_makefile_are_sl000(
    here, capsys, name: str, text: str
) -> None:
    write(here / name, text)
    kind = name.lower()

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [(name, 1, "SL000")]
    assert messages(report) == [
        f"Could not read this {kind} file: too large to parse: more than "
        f"{engine.MAX_PARSED[kind]} characters of {kind}"
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("daemon.json", "[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ("daemon.json", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ],
)
def test_deep_json_is_sl000(here, capsys, name: str, text: str, message: str) -> None:
    write(here / name, text)

    code, report = run_json(capsys, ".")

    assert code == 1
    assert [(p, r) for p, _, r in found(report)] == [(name, "SL000")]
    assert messages(report)[0].endswith(message)


# Expansion blow-up -----------------------------------------------------------


def test_shell_variable_doubling_stays_bounded(here, capsys) -> None:
    write(
        here / "run.sh",
        "A=x\n" + "A=$A$A\n" * 200 + f"docker run -v {SOCK}:{SOCK} $A\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("run.sh", 202, "SL101")]


def test_dockerfile_env_doubling_stays_bounded(here, capsys) -> None:
    write(
        here / "Dockerfile",
        "FROM x\nENV A=x\n"
        + "ENV A=$A$A\n" * 200
        + f"RUN docker run -v {SOCK}:{SOCK} $A\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("Dockerfile", 203, "SL101")]


def test_makefile_recursive_variables_terminate(here, capsys) -> None:
    doubling = "".join(f"D{i} = $(D{i - 1})$(D{i - 1})\n" for i in range(1, 100))
    write(
        here / "Makefile",
        "A = $(A)\nB = $(C)\nC = $(B)\nD0 = x\n"
        + doubling
        + f"all:\n\tdocker run -v {SOCK}:{SOCK} $(A) $(B) $(D99)\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("Makefile", 105, "SL101")]


# Files that are not regular ---------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symbolic links")
def test_tree_with_fifo_link_loop_and_30_mb_file(here, capsys) -> None:
    write(here / "app/docker-compose.yml", SOCKET_COMPOSE)
    os.mkfifo(here / "compose.yaml")
    (here / "loop1.sh").symlink_to("loop2.sh")
    (here / "loop2.sh").symlink_to("loop1.sh")
    (here / "dangling.sh").symlink_to("missing.sh")
    (here / "app/up").symlink_to("..")  # a folder already walked
    with open(here / "big.sh", "wb") as big:
        big.truncate(30 * 1024 * 1024)

    code, report = run_json(capsys, ".")

    assert code == 1
    assert report["scanned"] == 1
    assert found(report) == [("app/docker-compose.yml", 5, "SL101")]
    assert skipped(report) == [
        ("big.sh", f"larger than 10485760 bytes ({30 * 1024 * 1024} bytes)"),
        ("compose.yaml", "not a regular file (a FIFO)"),
        ("dangling.sh", "dangling symbolic link"),
        ("loop1.sh", "symbolic link loop"),
        ("loop2.sh", "symbolic link loop"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_skipped_files_are_listed_on_stderr_in_text_formats(here, capsys) -> None:
    os.mkfifo(here / "compose.yaml")

    code = cli.main(["--format", "concise", "compose.yaml"])
    out, err = capsys.readouterr()

    assert (code, out) == (0, "")
    assert "compose.yaml: skipped: not a regular file (a FIFO)\n" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_as_git_exclude_file_never_blocks(here, capsys) -> None:
    (here / ".git/info").mkdir(parents=True)
    os.mkfifo(here / ".git/info/exclude")
    write(here / "docker-compose.yml", SOCKET_COMPOSE)

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("docker-compose.yml", 5, "SL101")]


def test_hostile_gitignore_patterns_neither_crash_nor_hang(here, capsys) -> None:
    write(here / ".gitignore", "[z-a]\n*a*a*a*a*a*a*a*a*a*a*b\n")
    write(here / ("a" * 200 + ".sh"), f"docker run -v {SOCK}:{SOCK} x\n")
    write(here / "docker-compose.yml", SOCKET_COMPOSE)

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [
        ("a" * 200 + ".sh", 1, "SL101"),
        ("docker-compose.yml", 5, "SL101"),
    ]


# Encodings --------------------------------------------------------------------


def test_bom_and_crlf_keep_line_numbers(here, capsys) -> None:
    write(
        here / "docker-compose.yml",
        b"\xef\xbb\xbf" + SOCKET_COMPOSE.replace("\n", "\r\n").encode(),
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert [(f["line"], f["column"]) for f in report["findings"]] == [(5, 9)]


def test_invalid_utf8_is_sl000_with_the_byte_offset(here, capsys) -> None:
    write(
        here / "docker-compose.yml",
        b"services:\n  app:\n    image: \xff\xfe\n"
        + f"    volumes:\n      - {SOCK}:/x\n".encode(),
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [
        ("docker-compose.yml", 3, "SL000"),
        ("docker-compose.yml", 5, "SL101"),
    ]
    assert messages(report) == [
        "Could not read this compose file: not valid UTF-8 at byte 28; "
        "undecodable bytes were replaced and the rest was read"
    ]


def test_nul_bytes_mark_a_binary_file(here, capsys) -> None:
    write(here / "docker-compose.yml", b"services:\n\0\0\0")

    code, report = run_json(capsys, ".")

    assert code == 0
    assert skipped(report) == [
        ("docker-compose.yml", "binary (NUL byte in the first 8 KB)")
    ]


# YAML corner cases ------------------------------------------------------------


def test_duplicate_keys_are_reported_and_both_read(here, capsys) -> None:
    write(
        here / "docker-compose.yml",
        "services:\n  a:\n    image: x\nservices:\n  b:\n    image: y\n"
        f"    volumes:\n      - {SOCK}:{SOCK}\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [
        ("docker-compose.yml", 4, "SL000"),
        ("docker-compose.yml", 8, "SL101"),
    ]
    assert messages(report) == [
        "Could not read this compose file: duplicate key `services` "
        "(first at line 1); both are read"
    ]


def test_tabs_are_sl000_at_their_line(here, capsys) -> None:
    write(here / "docker-compose.yml", "services:\n  app:\n\timage: x\n")

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [("docker-compose.yml", 3, "SL000")]


def test_one_broken_document_does_not_hide_the_others(here, capsys) -> None:
    write(
        here / "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  volumes:\n"
        f"  - name: s\n    hostPath: {{path: {SOCK}}}\n---\n"
        "apiVersion: v1\nkind: Pod\nspec: [unclosed\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  volumes:\n"
        "  - name: s\n    hostPath: {path: /run/docker.sock}\n",
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [
        ("pod.yaml", 7, "SL101"),
        ("pod.yaml", 12, "SL000"),
        ("pod.yaml", 19, "SL101"),
    ]


def test_empty_files_and_empty_documents_are_scanned_quietly(here, capsys) -> None:
    write(here / "docker-compose.yml", "")
    write(here / "compose.yaml", "---\n---\n")
    write(here / "pod.yaml", "apiVersion: v1\nkind: Pod\n---\n")
    write(here / "Dockerfile", "")
    write(here / "run.sh", "")

    code, report = run_json(capsys, ".")

    assert code == 0
    assert (report["scanned"], report["findings"], report["skipped"]) == (5, [], [])


# Ending the run -----------------------------------------------------------------


def test_broken_pipe_ends_quietly(tmp_path: Path) -> None:
    write(
        tmp_path / "docker-compose.yml",
        "services:\n"
        + "".join(f"  s{n}:\n    volumes:\n      - {SOCK}:/x\n" for n in range(2000)),
    )

    # `sockelint . | head -1`
    shell = f"{sys.executable} -m sockelint --format concise . | head -1"
    done = subprocess.run(
        shell, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert done.stdout.startswith("docker-compose.yml:4:9: SL101 ")
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_ctrl_c_in_a_file_exits_130(here, capsys, monkeypatch) -> None:
    write(here / "docker-compose.yml", SOCKET_COMPOSE)

    def interrupted(*arguments: object) -> list[object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "check", interrupted)

    code = cli.main(["."])
    _, err = capsys.readouterr()

    assert code == 130
    assert err == "sockelint: interrupted\n"


def test_an_internal_error_in_one_file_is_sl000_and_the_run_goes_on(
    here, capsys, monkeypatch
) -> None:
    from sockelint.sources import shell

    write(here / "run.sh", "echo\n")
    write(here / "docker-compose.yml", SOCKET_COMPOSE)

    def broken(document: object) -> object:
        raise ValueError("boom")

    monkeypatch.setattr(shell, "parse", broken)

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [
        ("docker-compose.yml", 5, "SL101"),
        ("run.sh", 1, "SL000"),
    ]
    assert messages(report) == [
        "Could not read this shell file: internal error, please report "
        "(ValueError: boom)"
    ]


# Never executing anything -------------------------------------------------------


def test_payloads_in_scanned_files_are_never_run(here, capsys) -> None:
    mark = here / "pwned"
    touch = f"touch {mark}"
    write(here / "run.sh", f"$({touch})\n`{touch}`\neval '{touch}'\n")
    write(here / "Makefile", f"X := $(shell {touch})\nall:\n\t{touch} $(X)\n")
    write(here / "Dockerfile", f"FROM x\nRUN {touch}\nARG A=$({touch})\n")
    write(
        here / "docker-compose.yml",
        "x: !!python/object/apply:os.system ['touch " + str(mark) + "']\n"
        "y: !!python/name:os.system\n"
        f"services:\n  app:\n    image: x\n    command: sh -c '{touch}'\n",
    )
    write(
        here / "pod.yaml",
        "apiVersion: v1\nkind: Pod\n"
        f"metadata: !!python/object/new:os.system ['{touch}']\n",
    )
    write(here / ".env", f"A=$({touch})\n")

    code, report = run_json(capsys, ".")

    assert not mark.exists()
    # The `.env` is read too (as a dotenv file), and runs nothing either.
    assert report["scanned"] == 6
    assert code in (0, 1)


@pytest.mark.parametrize("format_name", ["json", "sarif", "gitlab", "github", "text"])
def test_a_file_name_that_is_not_utf8_is_reported_escaped(
    here: Path, capsys: pytest.CaptureFixture[str], format_name: str
) -> None:
    """Such a name crashed every JSON-based format (surrogates cannot be
    encoded); it is shown with the odd byte escaped, and still read."""
    mount = "      - /var/run/docker.sock:/var/run/docker.sock\n"
    name = os.fsdecode(b"bad\xff-docker-compose.yml")
    write(here / name, "services:\n  a:\n    image: x\n    volumes:\n" + mount)

    code = cli.main(["--format", format_name, "."])
    out, err = capsys.readouterr()

    assert code == 1
    assert "Traceback" not in err and "UnicodeEncodeError" not in out + err
    # Shown as `bad\\xff-...`; JSON doubles the backslash and SARIF
    # percent-encodes it, so look at what follows it.
    assert "xff-docker-compose.yml" in out


def test_utf16_with_a_bom_is_read_not_skipped_as_binary(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Windows PowerShell 5 writes UTF-16 with `>`: full of NUL bytes, and
    still a compose file."""
    text = (
        "services:\n  a:\n    image: x\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
    )
    write(
        here / "docker-compose.yml",
        "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
    )

    code, report = run_json(capsys, "docker-compose.yml")

    assert code == 1
    assert found(report) == [("docker-compose.yml", 5, "SL101")]
