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


# The kinds added with systemd, Quadlet, nginx, Ansible, cloud-init, HCL and
# the CI formats ----------------------------------------------------------------

# One finding in each new kind (SL205 for nginx, SL101 elsewhere): (path,
# text, line, column).
NEW_KINDS = [
    (
        "app.service",
        f"[Service]\nExecStart=/usr/bin/docker run -v {SOCK}:/s x\n",
        2,
        31,
    ),
    ("app.container", f"[Container]\nImage=x\nVolume={SOCK}:/s\n", 3, 8),
    (
        "nginx.conf",
        f"stream {{\n  server {{\n    listen 2375;\n    proxy_pass unix:{SOCK};\n"
        "  }\n}\n",
        4,
        5,
    ),
    (
        "playbook.yml",
        f"- hosts: all\n  tasks:\n    - shell: docker run -v {SOCK}:/s x\n",
        3,
        25,
    ),
    ("user-data", f"#cloud-config\nruncmd:\n  - docker run -v {SOCK}:/s x\n", 3, 16),
    (
        "main.tf",
        'resource "docker_container" "a" {\n  image = "x"\n  volumes {\n'
        f'    host_path = "{SOCK}"\n  }}\n}}\n',
        4,
        17,
    ),
    (
        "job.nomad",
        'job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n'
        f'      config {{\n        volumes = ["{SOCK}:/s"]\n'
        "      }\n    }\n  }\n}\n",
        6,
        20,
    ),
    (
        ".circleci/config.yml",
        "version: 2.1\njobs:\n  b:\n    machine: true\n    steps:\n"
        f"      - run: docker run -v {SOCK}:/s x\n",
        6,
        25,
    ),
    (
        "bitbucket-pipelines.yml",
        f"pipelines:\n  default:\n    - step:\n        script:\n"
        f"          - docker run -v {SOCK}:/s x\n",
        5,
        24,
    ),
    (
        "azure-pipelines.yml",
        f"steps:\n  - pwsh: |\n      docker run `\n        -v {SOCK}:/s x\n",
        4,
        9,
    ),
    (
        "action.yml",
        "runs:\n  using: composite\n  steps:\n    - shell: bash\n"
        f"      run: docker run -v {SOCK}:/s x\n",
        5,
        23,
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "column"), NEW_KINDS, ids=[k[0] for k in NEW_KINDS]
)
def test_bom_and_crlf_keep_places_in_the_new_kinds(
    here, capsys, name: str, text: str, line: int, column: int
) -> None:
    write(here / name, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    code, report = run_json(capsys, ".")

    assert code == 1
    rule = "SL205" if name == "nginx.conf" else "SL101"
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [
        (rule, line, column)
    ]


@pytest.mark.parametrize(
    ("name", "text", "line", "column"), NEW_KINDS, ids=[k[0] for k in NEW_KINDS]
)
def test_a_nul_byte_makes_a_new_kind_binary(
    here, capsys, name: str, text: str, line: int, column: int
) -> None:
    write(here / name, text.encode() + b"\0\n")

    code, report = run_json(capsys, ".")

    assert code == 0
    assert skipped(report) == [(name, "binary (NUL byte in the first 8 KB)")]


# Unterminated and deeply nested text in each new kind: read to an SL000 or
# nothing, never an internal error. (Speed is measured by hand: each of
# these ends in well under a second.)
BROKEN = {
    "app.service": [
        "[Service]\nExecStart=/usr/bin/docker run \\\n" + "  -v /a:/a \\\n" * 5_000,
        "[Service]\nExecStart=/bin/sh -c 'docker run " + "$(" * 5_000 + "\n",
        '[Service\nExecStart="unterminated\n' + "[" * 50_000 + "\n",
    ],
    "app.container": [
        "[Container]\nPodmanArgs=" + "-v /a:/a " * 10_000 + "\n",
        "[Container]\nVolume=" + "%" * 100_000 + "\n",
    ],
    "nginx.conf": [
        "http {\n" * 50_000 + "proxy_pass http://unix:/run/docker.sock:/;\n",
        "server { proxy_pass '" + "x" * 200_000,
        "}" * 50_000 + "proxy_pass x;",
        "server { listen 1; location / { proxy_pass http://unix:" + "{" * 30_000,
    ],
    "playbook.yml": [
        "- hosts: all\n  tasks:\n" + "    - block:\n" * 2_000,
        "- hosts: all\n  tasks:\n    - shell: |\n        cat <<EOF\n" + "x\n" * 50_000,
        '- hosts: all\n  tasks:\n    - shell: "{{ ' + "{{" * 20_000 + '"\n',
    ],
    "user-data": [
        "#cloud-config\nruncmd:\n  - |\n    cat <<EOF\n" + "    x\n" * 50_000,
        "#cloud-config\nwrite_files:\n  - path: /etc/docker/daemon.json\n"
        "    content: '" + "[" * 50_000 + "'\n",
        "## template: jinja\n#cloud-config\n" + "{% if x %}\n" * 20_000,
    ],
    "main.tf": [
        'resource "docker_container" "a" {\n  user_data = <<EOF\n' + "x\n" * 50_000,
        'resource "a" "b" {\n  x = ' + "[" * 50_000 + "\n",
        'resource "a" "b" {\n  x = "' + "${" * 30_000 + "\n",
        "{" * 100_000,
        "/*" + " unterminated comment" * 10_000,
    ],
    "job.nomad": [
        'job "j" {\n' + 'group "g" {\n' * 30_000,
        'job "j" {\n  task "t" {\n    config {\n      args = ["' + "\\" * 100_000,
    ],
    ".circleci/config.yml": [
        "version: 2.1\njobs:\n  b:\n    steps:\n      - run: |\n          "
        + "$(" * 5_000
        + "\n",
    ],
    "bitbucket-pipelines.yml": [
        "pipelines:\n  default:\n" + "    - parallel:\n" * 1_000,
    ],
    "azure-pipelines.yml": [
        'steps:\n  - pwsh: |\n      $s = @"\n'
        + "      docker run -v /:/h x\n" * 20_000,
        "steps:\n  - pwsh: |\n" + "      <# #> <# \n" * 20_000,
        "steps:\n  - pwsh: |\n      docker run " + "`\n      " * 20_000 + "x\n",
    ],
    "action.yml": [
        "runs:\n  using: composite\n  steps:\n"
        + "    - shell: pwsh\n      run: docker `\n" * 1_000,
    ],
}
BROKEN_CASES = [(name, text) for name, texts in BROKEN.items() for text in texts]


@pytest.mark.parametrize(
    ("name", "text"),
    BROKEN_CASES,
    ids=[f"{name}-{i}" for i, (name, _) in enumerate(BROKEN_CASES)],
)
def test_broken_input_of_a_new_kind_is_never_an_internal_error(
    here, capsys, name: str, text: str
) -> None:
    write(here / name, text)

    code, report = run_json(capsys, ".")

    assert code in (0, 1)
    assert report["scanned"] == 1
    assert not [m for m in messages(report) if "internal error" in m]


@pytest.mark.parametrize(
    ("name", "kind", "text"),
    [
        ("app.service", "systemd", "[Service]\n" + "ExecStart=/bin/true\n" * 60_000),
        ("app.container", "quadlet", "[Container]\n" + "Label=a=b\n" * 120_000),
        ("nginx.conf", "nginx", "events {}\n" * 220_000),
        ("main.tf", "terraform", 'locals {\n  a = "b"\n}\n' * 120_000),
        ("job.nomad", "nomad", 'job "j" {\n  type = "batch"\n}\n' * 80_000),
    ],
)
def test_oversized_units_hcl_and_nginx_are_sl000(
    here, capsys, name: str, kind: str, text: str
) -> None:
    write(here / name, text)

    code, report = run_json(capsys, ".")

    assert len(text) > engine.MAX_PARSED[kind]
    assert code == 1
    assert found(report) == [(name, 1, "SL000")]
    assert messages(report) == [
        f"Could not read this {kind} file: too large to parse: more than "
        f"{engine.MAX_PARSED[kind]} characters of {kind}"
    ]


def test_latin1_conf_of_another_program_in_conf_d_is_not_sl000(here, capsys) -> None:
    # Apache's conf.d/ and supervisord's are nginx's folder names too; their
    # files are not read, so neither are their bytes judged.
    write(
        here / "conf.d" / "ssl.conf",
        "# J\xfcrgen's vhost\nListen 443\n".encode("latin-1"),
    )
    write(
        here / "nginx" / "conf.d" / "docker.conf",
        "# J\xfcrgen\nserver {\n  listen 2375;\n"
        f"  location / {{ proxy_pass http://unix:{SOCK}:/; }}\n}}\n".encode("latin-1"),
    )

    code, report = run_json(capsys, ".")

    assert code == 1
    assert found(report) == [
        ("nginx/conf.d/docker.conf", 1, "SL000"),
        ("nginx/conf.d/docker.conf", 4, "SL205"),
    ]


def test_latin1_perl_pod_is_not_a_quadlet_pod(here, capsys) -> None:
    write(
        here / "lib" / "Foo.pod",
        "=head1 AUTHOR\n\nJ\xfcrgen\n\n=cut\n".encode("latin-1"),
    )
    write(here / "pods" / "agents.pod", f"[Pod]\nVolume={SOCK}:/s\n")

    code, report = run_json(capsys, ".")

    assert code == 1
    assert report["scanned"] == 1
    assert found(report) == [("pods/agents.pod", 2, "SL101")]
