"""The compose source: short syntaxes, spans, sharing, variables."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockelint import engine
from sockelint.document import Document
from sockelint.model import Facts, Workload
from sockelint.rules import RULES
from sockelint.sources import compose
from sockelint.sources.compose_syntax import (
    parse_dotenv,
    split_env,
    split_port,
    split_volume,
)
from sockelint.span import Span

PATH = "docker-compose.yml"


def facts_of(text: str, location: str | None = None) -> Facts:
    return compose.parse(Document(PATH, dedent(text), "compose", location))


def findings_of(text: str, location: str | None = None) -> list[tuple[str, int, int]]:
    document = Document(PATH, dedent(text), "compose", location)
    return [(f.rule, f.span.line, f.span.column) for f in engine.check(document, RULES)]


def workload(facts: Facts, name: str) -> Workload:
    return next(w for w in facts.workloads if w.name == name)


# Short volume syntax: (entry, source, target, options, read-only piece).
VOLUMES = [
    ("/var/run/docker.sock", None, "/var/run/docker.sock", None, None),
    ("/a:/b", "/a", "/b", None, None),
    ("/a:/b:ro", "/a", "/b", "ro", ":ro"),
    ("/a:/b:rw", "/a", "/b", "rw", None),
    ("/a:/b:ro,z", "/a", "/b", "ro,z", ":ro,z"),
    ("/a:/b:Z,ro", "/a", "/b", "Z,ro", ":Z,ro"),
    ("/a:/b:z", "/a", "/b", "z", None),
    ("./x:/x", "./x", "/x", None, None),
    ("~/x:/x:ro", "~/x", "/x", "ro", ":ro"),
    ("named:/data", "named", "/data", None, None),
    (r"C:\Users\me:/data", r"C:\Users\me", "/data", None, None),
    (r"C:\a:D:\b:ro", r"C:\a", r"D:\b", "ro", ":ro"),
    (r"\\.\pipe\docker_engine:\\.\pipe\docker_engine", None, None, None, None),
    (
        "${SOCK:-/var/run/docker.sock}:/s:ro",
        "${SOCK:-/var/run/docker.sock}",
        "/s",
        "ro",
        ":ro",
    ),
    ("${A:-${B:-/run}}:/run", "${A:-${B:-/run}}", "/run", None, None),
]


@pytest.mark.parametrize(("entry", "source", "target", "options", "read_only"), VOLUMES)
def test_split_volume(
    entry: str,
    source: str | None,
    target: str | None,
    options: str | None,
    read_only: str | None,
) -> None:
    spec = split_volume(entry)

    assert spec is not None
    if target is None:  # only checked to split in two
        assert spec.source is not None
        return
    assert (spec.source.text if spec.source else None) == source
    assert spec.target.text == target
    assert (spec.options.text if spec.options else None) == options
    assert (spec.read_only.text if spec.read_only else None) == read_only
    if spec.read_only is not None:
        assert entry[spec.read_only.start : spec.read_only.end] == read_only


@pytest.mark.parametrize(
    ("entry", "is_path"),
    [
        ("/a:/b", True),
        ("./a:/b", True),
        ("../a:/b", True),
        ("~/a:/b", True),
        (r"C:\a:/b", True),
        ("$HOME/a:/b", True),
        ("named:/b", False),
        ("docker.sock:/var/run/docker.sock", False),
    ],
)
def test_short_volume_source_is_path(entry: str, is_path: bool) -> None:
    spec = split_volume(entry)

    assert spec is not None and spec.is_path is is_path


def test_empty_volume_entry_is_nothing() -> None:
    assert split_volume("  ") is None


# Short port syntax: (entry, container, host, host ip).
PORTS = [
    ("2375", "2375", None, None),
    ("2375:2375", "2375", "2375", None),
    ("127.0.0.1:2375:2375", "2375", "2375", "127.0.0.1"),
    ("0.0.0.0:2375:2375/tcp", "2375", "2375", "0.0.0.0"),
    ("127.0.0.1::2375", "2375", None, "127.0.0.1"),
    ("[::1]:2375:2375", "2375", "2375", "::1"),
    ("8000-8010:8000-8010", "8000-8010", "8000-8010", None),
]


@pytest.mark.parametrize(("entry", "container", "host", "host_ip"), PORTS)
def test_split_port(
    entry: str, container: str, host: str | None, host_ip: str | None
) -> None:
    spec = split_port(entry)

    assert spec is not None
    assert spec.container.text == container
    assert (spec.host.text if spec.host else None) == host
    assert (spec.host_ip.text if spec.host_ip else None) == host_ip


def test_split_env() -> None:
    assert split_env("KEY") is not None and split_env("KEY").value is None  # type: ignore[union-attr]
    entry = split_env("DOCKER_HOST=tcp://x:2375")
    assert entry is not None and entry.name == "DOCKER_HOST"
    assert entry.value is not None and entry.value.text == "tcp://x:2375"
    assert entry.value.start == len("DOCKER_HOST=")
    assert split_env("=value") is None


def test_parse_dotenv() -> None:
    text = dedent(
        """\
        # a comment
        SOCK=/var/run/docker.sock
        export QUOTED="/run/user/1000/docker.sock" # where it is
        SINGLE='a # not a comment'
        TRAILING=/x # comment
        EMPTY=
        not a line
        """
    )

    assert parse_dotenv(text) == {
        "SOCK": "/var/run/docker.sock",
        "QUOTED": "/run/user/1000/docker.sock",
        "SINGLE": "a # not a comment",
        "TRAILING": "/x",
        "EMPTY": "",
    }


# Spans of findings: line and column.


def test_short_syntax_spans() -> None:
    text = """\
    services:
      viewer:
        image: example/viewer
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro
          - "/run/docker.sock:/x:ro,z"
    """

    assert findings_of(text) == [
        ("SL101", 5, 9),
        ("SL102", 5, 50),
        ("SL101", 6, 9),
        ("SL102", 6, 29),
    ]


def test_read_only_span_covers_the_options() -> None:
    facts = facts_of(
        """\
        services:
          viewer:
            volumes: ['/var/run/docker.sock:/s:ro']
        """
    )

    mount = workload(facts, "viewer").mounts[0]
    assert mount.span == Span(PATH, 3, 15, 3, 43)
    assert mount.read_only == Span(PATH, 3, 39, 3, 42)


def test_read_only_of_an_escaped_entry_is_placed_through_the_escape() -> None:
    facts = facts_of(
        """\
        services:
          viewer:
            volumes: ["/var/run/docker\\x2esock:/s:ro"]
        """
    )

    mount = workload(facts, "viewer").mounts[0]
    assert mount.host_path == "/run/docker.sock"
    assert mount.read_only == Span(PATH, 3, 42, 3, 45)


def test_long_syntax_spans() -> None:
    text = """\
    services:
      agent:
        volumes:
          - type: bind
            source: /var/run/docker.sock
            target: /var/run/docker.sock
            read_only: true
    """

    assert findings_of(text) == [("SL101", 5, 17), ("SL102", 7, 9)]
    mount = workload(facts_of(text), "agent").mounts[0]
    assert mount.read_only == Span(PATH, 7, 9, 7, 24)


# Sharing: anchors, merge keys, extends, bind volumes.


def test_anchor_is_reported_once_naming_every_service() -> None:
    text = """\
    x-socket: &socket
      - /var/run/docker.sock:/var/run/docker.sock
    services:
      a:
        volumes: *socket
      b:
        volumes: *socket
    """
    document = Document(PATH, dedent(text), "compose")

    findings = engine.check(document, RULES)

    assert [(f.rule, f.span.line) for f in findings] == [("SL101", 2)]
    assert "`a`, `b`" in findings[0].message


def test_merge_list_and_override() -> None:
    facts = facts_of(
        """\
        x-one: &one
          image: example/one
          volumes: ["/run:/run"]
        x-two: &two
          image: example/two
        services:
          merged:
            <<: [*one, *two]
          overriding:
            <<: *one
            volumes: ["./x:/x"]
        """
    )

    merged = workload(facts, "merged")
    assert merged.image is not None and merged.image.text == "example/one"
    assert [m.host_path for m in merged.mounts] == ["/run"]
    assert [m.host_path for m in workload(facts, "overriding").mounts] == ["x"]


def test_extends_keeps_the_written_span() -> None:
    text = """\
    services:
      base:
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock
      child:
        extends: base
      grandchild:
        extends: {service: child}
      elsewhere:
        extends: {file: other.yml, service: base}
      loop-a:
        extends: loop-b
      loop-b:
        extends: loop-a
    """
    facts = facts_of(text)

    spans = {w.name: [m.span.line for m in w.mounts] for w in facts.workloads}
    assert spans == {
        "base": [4],
        "child": [4],
        "grandchild": [4],
        "elsewhere": [],
        "loop-a": [],
        "loop-b": [],
    }
    assert findings_of(text) == [("SL101", 4, 9)]


def test_volume_bind_is_reported_at_device_once() -> None:
    text = """\
    services:
      a:
        volumes: ["run:/host/run"]
      b:
        volumes:
          - {type: volume, source: run, target: /host/run, read_only: true}
    volumes:
      run:
        driver_opts:
          type: none
          o: bind
          device: /var/run
    """
    facts = facts_of(text)

    mounts = [m for w in facts.workloads for m in w.mounts]
    assert {m.kind for m in mounts} == {"volume-bind"}
    assert mounts[0].shared_by == ["a", "b"]
    assert mounts[0].span == Span(PATH, 12, 15, 12, 23)
    assert findings_of(text) == [("SL103", 12, 15)]


# Variables.


def test_dotenv_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SOCK='/run/user/1000/docker.sock'\n")
    location = str(tmp_path / PATH)
    text = """\
    services:
      agent:
        volumes:
          - ${SOCK:-/tmp/x}:/var/run/docker.sock
          - ${DATA:-/srv}:/data
    """

    mounts = workload(facts_of(text, location), "agent").mounts
    assert [m.host_path for m in mounts] == ["/run/user/<uid>/docker.sock", "/srv"]
    assert [m.host_path for m in workload(facts_of(text), "agent").mounts] == [
        "/tmp/x",
        "/srv",
    ]


def test_variable_with_colon_default_in_long_entry() -> None:
    facts = facts_of(
        """\
        services:
          agent:
            volumes:
              - ${SOCK:-/var/run/docker.sock}:${TARGET:-/var/run/docker.sock}:ro
        """
    )

    mount = workload(facts, "agent").mounts[0]
    assert (mount.host_path, mount.target) == (
        "/run/docker.sock",
        "/var/run/docker.sock",
    )
    assert mount.read_only is not None and mount.read_only.column == 70


# Everything else a workload carries.


def test_environment_list_and_map() -> None:
    facts = facts_of(
        """\
        services:
          listed:
            environment:
              - DOCKER_HOST=tcp://engine:2375
              - FROM_HOST
          mapped:
            environment:
              DOCKER_HOST: "${ENGINE:-tcp://engine:2376}"
              EMPTY:
        """
    )

    listed = workload(facts, "listed")
    host = listed.env_value("DOCKER_HOST")
    assert host is not None and host.value == "tcp://engine:2375"
    assert host.span == Span(PATH, 4, 9, 4, 38)
    assert host.value_span == Span(PATH, 4, 21, 4, 38)
    assert listed.env_value("FROM_HOST") is not None
    assert listed.env_value("FROM_HOST").value is None  # type: ignore[union-attr]

    mapped = workload(facts, "mapped")
    host = mapped.env_value("DOCKER_HOST")
    assert host is not None and host.value == "tcp://engine:2376"
    assert host.value_span == Span(PATH, 8, 20, 8, 50)
    empty = mapped.env_value("EMPTY")
    assert empty is not None and empty.value is None and empty.span.line == 9


def test_privileged_groups_ports_networks_labels() -> None:
    facts = facts_of(
        """\
        services:
          app:
            image: example/app
            privileged: true
            group_add: [docker, "999"]
            ports:
              - 2375
              - "127.0.0.1:2376:2376"
              - target: 2377
                published: "2377"
                host_ip: 0.0.0.0
            networks: [front]
            network_mode: bridge
            labels:
              - com.example.role=agent
          other:
            privileged: false
            networks:
              back:
            labels:
              com.example.role: db
        networks:
          front:
            internal: true
          back:
        """
    )

    app = workload(facts, "app")
    assert app.privileged == Span(PATH, 4, 5, 4, 21)
    assert [g.text for g in app.groups] == ["docker", "999"]
    ports = [(p.container_port, p.host_port, p.host_ip, p.span.line) for p in app.ports]
    assert ports == [
        ("2375", None, None, 7),
        ("2376", "2376", "127.0.0.1", 8),
        ("2377", "2377", "0.0.0.0", 10),
    ]
    assert [n.text for n in app.networks] == ["front"]
    assert app.network_mode is not None and app.network_mode.text == "bridge"
    assert app.labels == {"com.example.role": "agent"}
    assert app.extent == Span(PATH, 2, 3, 15, 31)

    other = workload(facts, "other")
    assert other.privileged is None
    assert [n.text for n in other.networks] == ["back"]
    assert other.labels == {"com.example.role": "db"}
    assert facts.networks["front"].internal and not facts.networks["back"].internal


def test_commands_run_in_the_workload() -> None:
    facts = facts_of(
        """\
        services:
          listed:
            command: ["docker", "ps"]
          string:
            entrypoint: docker info
          block:
            command: |
              set -e
              docker version
        """
    )

    by_workload = {(c.runs_in, tuple(c.argv)) for c in facts.commands}
    assert ("listed", ("docker", "ps")) in by_workload
    assert ("string", ("docker", "info")) in by_workload
    assert ("block", ("docker", "version")) in by_workload
    block = workload(facts, "block").commands
    version = next(c for c in block if c.argv[:1] == ["docker"])
    assert (version.span.line, version.span.column) == (9, 7)
    assert all(c in facts.commands for w in facts.workloads for c in w.commands)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (  # folded: the line break becomes a space; each word keeps its line
            ">\n"
            '      sh -c "chmod 666 /var/run/docker.sock\n'
            '      && docker run -v /var/run/docker.sock:/s alpine"\n',
            [("SL301", 5, 14, 5, 44), ("SL101", 6, 21, 6, 47)],
        ),
        (
            '>-\n      sh -c "docker run\n      -v /var/run/docker.sock:/s alpine"\n',
            [("SL101", 6, 7, 6, 33)],
        ),
        (  # plain, continued on the next line
            'sh -c "docker run\n      -v /var/run/docker.sock:/s alpine"\n',
            [("SL101", 5, 7, 5, 33)],
        ),
        (  # double quotes with escaped quotes inside
            '"sh -c \\"docker run -v /var/run/docker.sock:/s alpine\\""\n',
            [("SL101", 4, 34, 4, 60)],
        ),
    ],
)
def test_command_string_spans_however_the_scalar_is_written(
    command: str, expected: list[tuple[str, int, int, int, int]]
) -> None:
    text = "services:\n  app:\n    image: alpine\n    command: " + command
    found = [
        (f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
        for f in engine.check(Document(PATH, text, "compose"), RULES)
    ]
    assert found == expected


def test_command_list_item_script_is_placed_through_escapes() -> None:
    text = """\
    services:
      app:
        command: ["sh", "-c", "echo \\"x\\" && docker run -v /var/run/docker.sock:/s a"]
    """

    assert findings_of(text) == [("SL101", 3, 53)]


# Files that are odd or broken.


def test_yaml_error_is_a_problem() -> None:
    facts = facts_of("services:\n  a: [\n")

    assert facts.problems and facts.problems[0].span.line >= 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "services:\n",
        "services: 3\n",
        "services:\n  a: 3\n  b:\n",
        "services:\n  a:\n    volumes: 3\n    environment: 4\n    ports: x\n",
        "services:\n  a:\n    volumes: [[1], {}, null, 2, '']\n",
        "services:\n  a:\n    volumes: [{type: bind}, {source: [1]}]\n",
        "services:\n  a:\n    extends: {}\n    command: {x: 1}\n",
        "- a\n- b\n",
        "volumes:\n  v: {driver_opts: {o: bind}}\nservices:\n  a: {volumes: [v:/x]}\n",
    ],
)
def test_odd_files_do_not_raise(text: str) -> None:
    facts = facts_of(text)

    assert all(m.host_path is None for w in facts.workloads for m in w.mounts)


def test_stdin_has_no_dotenv() -> None:
    facts = facts_of("services:\n  a:\n    volumes: ['${X:-/run}:/run']\n", None)

    assert workload(facts, "a").mounts[0].host_path == "/run"


@given(st.text(alphabet=":/\\.~$ {}-abcroZz,=#'\"[]01\n", max_size=40))
def test_string_parsers_take_anything(text: str) -> None:
    split_volume(text)
    split_port(text)
    split_env(text)
    parse_dotenv(text)
