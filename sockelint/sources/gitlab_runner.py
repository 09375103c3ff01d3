"""GitLab Runner `config.toml`: the containers a docker executor gives jobs.

Every `[[runners]]` with a `[runners.docker]` table starts each job in a
container with its `volumes`, `privileged` and the runner's `environment`:
one `Workload` per runner. `host` in that table is where the runner's own
client reaches the engine; with `tls_verify = false` and a `tcp://` host
it is a plaintext client. A Kubernetes executor's `host_path` volumes and
`privileged` are read the same way. `[[runners.docker.services]]` are
containers of their own beside every job (often `docker:dind`), privileged
as `services_privileged` (or `privileged`) and `allowed_privileged_services`
say.

`tomllib` gives no positions, so a small line scanner finds the keys and
the strings of their values (arrays may run over several lines); `tomllib`
still checks the file, and a syntax error it reports is an SL000.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field

from sockelint.document import Document
from sockelint.model import (
    ClientEndpoint,
    EnvVar,
    Facts,
    Mount,
    Problem,
    Word,
    Workload,
)
from sockelint.sources import ci_common
from sockelint.span import Span

_SERVICES = "runners.docker.services"
_TABLE = re.compile(r"^\s*\[\[?\s*(?P<name>[A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_\-]+)\s*=\s*")
_ERROR_AT = re.compile(r"at line (?P<line>\d+), column (?P<column>\d+)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
_ESCAPES.update({'"': '"', "\\": "\\"})


@dataclass(slots=True)
class _Value:
    """A key's value: its strings (with spans) and the text as written."""

    key: str
    span: Span  # the key through the end of the value
    text: str
    strings: list[Word] = field(default_factory=list)


@dataclass(slots=True)
class _Runner:
    span: Span
    tables: dict[str, dict[str, _Value]] = field(default_factory=dict)
    # `[[runners.kubernetes.volumes.host_path]]` entries, in order.
    host_paths: list[dict[str, _Value]] = field(default_factory=list)
    # `[[runners.docker.services]]`: services started beside every job.
    services: list[dict[str, _Value]] = field(default_factory=list)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    problem = _syntax_problem(document)
    if problem is not None:
        facts.problems.append(problem)

    for runner in _runners(document):
        _runner(runner, facts)
    return facts


def _syntax_problem(document: Document) -> Problem | None:
    try:
        tomllib.loads(document.text)
    except tomllib.TOMLDecodeError as error:
        match = _ERROR_AT.search(str(error))
        line = int(match.group("line")) if match else _last_line(document)
        column = int(match.group("column")) if match else 1
        reason = str(error).split(" (at ")[0]
        return Problem(Span.point(document.path, line, column), reason)
    return None


def _last_line(document: Document) -> int:
    """Where an error "at end of document" shows: the last written line."""
    written = [i for i, line in enumerate(document.lines, 1) if line.strip()]
    return written[-1] if written else 1


# --------------------------------------------------------------------------
# The scanner


def _runners(document: Document) -> list[_Runner]:
    runners: list[_Runner] = []
    table = ""
    lines = document.lines
    row = 0
    while row < len(lines):
        line = lines[row]
        header = _TABLE.match(line)
        if header and line.lstrip().startswith("["):
            table = header.group("name").replace('"', "").replace(" ", "")
            if table == "runners" and line.lstrip().startswith("[["):
                span = Span(document.path, row + 1, 1, row + 1, len(line) + 1)
                runners.append(_Runner(span))
            elif table == "runners.kubernetes.volumes.host_path" and runners:
                runners[-1].host_paths.append({})
            elif table == _SERVICES and runners:
                runners[-1].services.append({})
            row += 1
            continue

        key = _KEY.match(line)
        if key is None or not runners:
            row += 1
            continue
        value, row = _value(document, row, key.group("key"), key.end())
        if table == "runners.kubernetes.volumes.host_path" and runners[-1].host_paths:
            runners[-1].host_paths[-1][value.key] = value
        elif table == _SERVICES and runners[-1].services:
            runners[-1].services[-1][value.key] = value
        else:
            runners[-1].tables.setdefault(table, {})[value.key] = value
    return runners


def _value(document: Document, row: int, key: str, start: int) -> tuple[_Value, int]:
    """The value starting at (row, start), through the lines it runs on: an
    array ends where its brackets close. Returns the row after it."""
    lines = document.lines
    strings: list[Word] = []
    depth = 0
    pieces: list[str] = []
    first_row, column = row, start
    while row < len(lines):
        line = lines[row]
        index = column
        while index < len(line):
            char = line[index]
            if char in "\"'":
                word, index = _string(document.path, line, row, index)
                strings.append(word)
                pieces.append(word.raw)
                continue
            if char == "#":
                break
            depth += {"[": 1, "]": -1, "{": 1, "}": -1}.get(char, 0)
            pieces.append(char)
            index += 1
        if depth <= 0:
            break
        row, column = row + 1, 0
    end_row = min(row, len(lines) - 1)
    span = Span(document.path, first_row + 1, 1, end_row + 1, len(lines[end_row]) + 1)
    return _Value(key, span, "".join(pieces).strip(), strings), row + 1


def _string(path: str, line: str, row: int, start: int) -> tuple[Word, int]:
    """A basic (`"..."`, escapes) or literal (`'...'`) string on one line."""
    quote = line[start]
    text: list[str] = []
    index = start + 1
    while index < len(line) and line[index] != quote:
        char = line[index]
        if quote == '"' and char == "\\" and index + 1 < len(line):
            following = line[index + 1]
            text.append(_ESCAPES.get(following, following))
            index += 2
            continue
        text.append(char)
        index += 1
    end = min(index + 1, len(line))
    span = Span(path, row + 1, start + 1, row + 1, end + 1)
    return Word("".join(text), span, line[start:end]), end


# --------------------------------------------------------------------------
# Runners as workloads


def _runner(runner: _Runner, facts: Facts) -> None:
    own = runner.tables.get("runners", {})
    name = _text(own.get("name")) or "runner"
    env = [_env(word) for word in _strings(own.get("environment"))]

    docker = runner.tables.get("runners.docker")
    if docker is not None:
        facts.workloads.append(_docker_executor(name, runner, docker, env))
        facts.workloads += _docker_services(name, runner, docker)
        facts.clients += _client(name, docker)
    kubernetes = runner.tables.get("runners.kubernetes")
    if kubernetes is not None or runner.host_paths:
        facts.workloads.append(
            _kubernetes_executor(name, runner, kubernetes or {}, env)
        )


def _docker_executor(
    name: str, runner: _Runner, docker: dict[str, _Value], env: list[EnvVar]
) -> Workload:
    workload = Workload(
        name,
        runner.span,
        "GitLab Runner job containers",
        image=next(iter(_strings(docker.get("image"))), None),
        env=list(env),
    )
    flags = ci_common.flag_pairs("-v", _strings(docker.get("volumes")))
    ci_common.apply_flags(workload, flags)
    privileged = docker.get("privileged")
    if privileged is not None and privileged.text == "true":
        workload.privileged = privileged.span
    return workload


def _docker_services(
    name: str, runner: _Runner, docker: dict[str, _Value]
) -> list[Workload]:
    """The services every job of the runner gets. They run privileged when
    `services_privileged` says so, or, when it is not set, as `privileged`
    does; `allowed_privileged_services` then narrows that to the images
    it matches."""
    privileged = docker.get("services_privileged") or docker.get("privileged")
    if privileged is None or privileged.text != "true":
        privileged = None
    allowed = [w.text for w in _strings(docker.get("allowed_privileged_services"))]
    restricted = docker.get("allowed_privileged_services") is not None

    services: list[Workload] = []
    for service in runner.services:
        image = next(iter(_strings(service.get("name"))), None)
        if image is None or not image.text:
            continue
        alias = _text(service.get("alias"))
        workload = Workload(
            alias or image.text,
            image.span,
            f"GitLab Runner `{name}` service",
            image=image,
        )
        if privileged is not None and (
            not restricted or any(fnmatch.fnmatchcase(image.text, a) for a in allowed)
        ):
            workload.privileged = privileged.span
        services.append(workload)
    return services


def _client(name: str, docker: dict[str, _Value]) -> list[ClientEndpoint]:
    host = next(iter(_strings(docker.get("host"))), None)
    if host is None or not host.text:
        return []
    verify = docker.get("tls_verify")
    verified = verify is not None and verify.text == "true"
    return [ClientEndpoint(host, verified, f"GitLab Runner `{name}` docker host")]


def _kubernetes_executor(
    name: str, runner: _Runner, kubernetes: dict[str, _Value], env: list[EnvVar]
) -> Workload:
    workload = Workload(
        name,
        runner.span,
        "GitLab Runner job pods",
        image=next(iter(_strings(kubernetes.get("image"))), None),
        env=list(env),
    )
    for volume in runner.host_paths:
        host = next(iter(_strings(volume.get("host_path"))), None)
        target = next(iter(_strings(volume.get("mount_path"))), None)
        if host is None:
            continue
        read_only = volume.get("read_only")
        workload.mounts.append(
            Mount(
                host,
                host.span,
                host.text,
                target.text if target else None,
                read_only.span if read_only and read_only.text == "true" else None,
                "hostPath",
            )
        )
    privileged = kubernetes.get("privileged")
    if privileged is not None and privileged.text == "true":
        workload.privileged = privileged.span
    return workload


def _strings(value: _Value | None) -> list[Word]:
    return list(value.strings) if value is not None else []


def _text(value: _Value | None) -> str | None:
    strings = _strings(value)
    return strings[0].text if strings else None


def _env(word: Word) -> EnvVar:
    return EnvVar.assignment(word)
