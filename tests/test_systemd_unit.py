"""systemd units and Podman Quadlet units: the unit reader, the sources."""

from __future__ import annotations

import pytest

from sockelint import engine, kinds, unitfile
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.rules import RULES
from sockelint.sources import quadlet, shell, systemd_unit


def _findings(path: str, text: str) -> list[tuple[int, int, int, str]]:
    kind = kinds.kind_of(path, text[:4096])
    assert kind is not None
    findings = engine.check(Document(path, text, kind), RULES)
    return sorted(
        (f.span.line, f.span.column, f.span.end_column, f.rule) for f in findings
    )


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("deploy/watchtower.service", "systemd"),
        ("etc/systemd/system/docker-tcp.socket", "systemd"),
        ("etc/systemd/system/agent.service.d/override.conf", "systemd"),
        ("etc/systemd/system/docker.service.d/tcp.conf", "systemd"),
        ("containers/systemd/watchtower.container", "quadlet"),
        ("containers/systemd/monitoring.pod.d/10-net.conf", "quadlet"),
        ("containers/systemd/watchtower.container.d/10-sock.conf", "quadlet"),
        ("etc/systemd/system/multi-user.target.d/x.conf", None),
    ],
)
def test_unit_kinds(path: str, kind: str | None) -> None:
    assert kinds.kind_of(path, "") == kind


def test_entries_sections_keys_and_spans() -> None:
    text = (
        "[Unit]\n"
        "; a comment\n"
        "Description = a unit \n"
        "[Service]\n"
        "ExecStart=/usr/bin/docker run \\\n"
        "# skipped inside a continuation\n"
        "  -v /a:/b img\n"
        "# a comment ending in a backslash is not continued \\\n"
        "Environment=A=1\n"
    )
    found = unitfile.entries(Excerpt.whole("u.service", text))
    assert [(e.section, e.key) for e in found] == [
        ("Unit", "Description"),
        ("Service", "ExecStart"),
        ("Service", "Environment"),
    ]
    description, exec_start, environment = found
    assert description.text == "a unit"
    span = description.span
    assert (span.line, span.column, span.end_column) == (3, 15, 21)
    key = exec_start.key_span
    assert (key.line, key.column, key.end_column) == (5, 1, 10)
    assert exec_start.text == "/usr/bin/docker run    -v /a:/b img"
    assert (exec_start.span.line, exec_start.span.end_line) == (5, 7)
    assert environment.text == "A=1"


def test_quadlet_volume_points_at_the_value() -> None:
    text = (
        "[Container]\n"
        "Image=docker.io/containrrr/watchtower\n"
        "Volume=/run/podman/podman.sock:/var/run/docker.sock\n"
    )
    assert _findings("q/watchtower.container", text) == [(3, 8, 52, "SL101")]


def test_quadlet_user_unit_runtime_dir_specifier() -> None:
    text = "[Container]\nImage=x\nVolume=%t/podman/podman.sock:/var/run/docker.sock\n"
    path = "home/u/.config/containers/systemd/w.container"
    [finding] = engine.check(Document(path, text, "quadlet"), RULES)
    assert finding.rule == "SL101"
    assert "/run/user/" in finding.message or "XDG_RUNTIME_DIR" in finding.message


def test_quadlet_podman_args_privileged_and_exec() -> None:
    text = (
        "[Container]\n"
        "Image=docker.io/library/docker:27-dind\n"
        "PodmanArgs=--privileged --group-add=docker\n"
        "Exec=--host=tcp://0.0.0.0:2375\n"
    )
    assert _findings("q/dind.container", text) == [
        (3, 12, 24, "SL303"),
        (3, 37, 43, "SL302"),
        (4, 13, 31, "SL201"),
    ]


def test_service_exec_prefixes_are_stripped() -> None:
    text = (
        "[Service]\n"
        "ExecStartPre=-/usr/bin/docker rm -f w\n"
        "ExecStart=@/usr/bin/docker docker run -v /var/run/docker.sock:/s w\n"
        "ExecStartPost=+/bin/chmod 666 /var/run/docker.sock\n"
    )
    assert _findings("s/w.service", text) == [
        (3, 39, 65, "SL101"),
        (4, 16, 51, "SL301"),
    ]


def test_service_environment_expands_in_commands() -> None:
    text = (
        '[Service]\nEnvironment="SOCK=/var/run/docker.sock" OTHER=1\n'
        "ExecStart=/usr/bin/docker run -v ${SOCK}:/s image\n"
    )
    assert [f[3] for f in _findings("s/w.service", text)] == ["SL101"]


def test_docker_service_dockerd_is_one_daemon() -> None:
    text = (
        "[Service]\n"
        "ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n"
        "ExecStartPost=/bin/chmod 666 /var/run/docker.sock\n"
    )
    facts = systemd_unit.parse(Document("docker.service", text, "systemd"))
    assert [d.origin for d in facts.daemons] == ["systemd unit"]
    assert [c.argv[0] for c in facts.commands] == ["/bin/chmod"]
    assert [f[3] for f in _findings("docker.service", text)] == ["SL201", "SL301"]


def test_socket_unit_of_an_engine_listens() -> None:
    text = "[Socket]\nListenStream=[::]:2375\nService=docker.service\n"
    assert _findings("x/remote-api.socket", text) == [(2, 14, 23, "SL201")]
    # Not an engine's: an application on the same port.
    assert _findings("x/app.socket", "[Socket]\nListenStream=2375\n") == []


@pytest.mark.parametrize(
    ("name", "socket", "expected"),
    [
        # Others may write: every local user drives the engine.
        ("docker.socket", "ListenStream=/run/docker.sock\nSocketMode=0606\n", True),
        ("docker.socket", "ListenStream=/run/docker.sock\nSocketMode=666\n", True),
        # A later line (a drop-in's) wins over the packaged one.
        (
            "docker.socket",
            "ListenStream=/run/docker.sock\nSocketMode=0660\nSocketMode=0666\n",
            True,
        ),
        # Named for nothing, but listening on an engine's path.
        ("api.socket", "ListenStream=/var/run/docker.sock\nSocketMode=0777\n", True),
        # Others may only read: connecting needs write.
        ("docker.socket", "ListenStream=/run/docker.sock\nSocketMode=0664\n", False),
        # The engine's own group, or root's, is the packaged state.
        (
            "docker.socket",
            "ListenStream=/run/docker.sock\nSocketMode=0660\nSocketGroup=root\n",
            False,
        ),
        # The group can only read.
        (
            "docker.socket",
            "ListenStream=/run/docker.sock\nSocketMode=0640\nSocketGroup=ci\n",
            False,
        ),
        # A port or an abstract socket has no file mode.
        ("docker.socket", "ListenStream=2376\nSocketMode=0666\n", False),
        ("docker.socket", "ListenStream=@docker\nSocketMode=0666\n", False),
        # Not a mode systemd takes.
        ("docker.socket", "ListenStream=/run/docker.sock\nSocketMode=o+rw\n", False),
    ],
)
def test_socket_unit_mode_and_group(name: str, socket: str, expected: bool) -> None:
    found = [f[3] for f in _findings(f"x/{name}", "[Socket]\n" + socket)]
    assert found == (["SL301"] if expected else [])


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("[Network]\nInternal=true\n", "quadlet"),
        ("[Unit]\nDescription=web\n\n[Network]\n", "quadlet"),
        # systemd-networkd's link configuration has the same name.
        ("[Match]\nName=eth0\n\n[Network]\nDHCP=yes\n", None),
        ("Internal=true\n", None),
    ],
)
def test_quadlet_network_kind(head: str, kind: str | None) -> None:
    assert kinds.kind_of("containers/systemd/web.network", head) == kind


@pytest.mark.parametrize(
    ("text", "name", "internal"),
    [
        ("[Network]\n", "systemd-web", False),
        ("[Network]\nInternal=yes\n", "systemd-web", True),
        ("[Network]\nInternal=false\nNetworkName=front\n", "front", False),
        ("[Network]\nNetworkName=proxy\nInternal=1\n", "proxy", True),
    ],
)
def test_quadlet_network_is_recorded(text: str, name: str, internal: bool) -> None:
    document = Document("containers/systemd/web.network", text, "quadlet")
    networks = quadlet.parse(document).networks
    assert list(networks) == [name]
    assert networks[name].internal is internal


def test_quadlet_proxy_on_a_network_of_another_file_is_quiet() -> None:
    # `web.network` is not internal, but it is another file: as unknown to
    # the container as a compose `external` network.
    container = (
        "[Container]\nImage=docker.io/tecnativa/docker-socket-proxy\n"
        "Volume=/run/podman/podman.sock:/var/run/docker.sock:ro\n"
        "Network=web.network\n"
    )
    assert _findings("containers/systemd/proxy.container", container) == []
    assert _findings("containers/systemd/web.network", "[Network]\n") == []
    # On the default network it is SL404.
    default = container.replace("Network=web.network\n", "")
    assert [f[3] for f in _findings("x/proxy.container", default)] == ["SL404"]


def test_unrelated_unit_never_reaches_the_shell_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the shell parser was asked")

    monkeypatch.setattr(shell, "parse_excerpt", refuse)
    unrelated = (
        "[Unit]\nDescription=nginx\n[Service]\n"
        "ExecStart=/usr/sbin/nginx -g 'daemon off;'\n"
    )
    facts = systemd_unit.parse(Document("nginx.service", unrelated, "systemd"))
    assert not facts.commands and not facts.daemons
    # A unit that mentions docker only elsewhere: its commands are not read.
    mentions = "[Unit]\nAfter=docker.service\n[Service]\nExecStart=/usr/bin/app\n"
    facts = systemd_unit.parse(Document("app.service", mentions, "systemd"))
    assert not facts.commands


def test_shell_syntax_errors_are_not_sl000() -> None:
    text = "[Service]\nExecStart=/usr/bin/docker-thing (oops\n"
    assert _findings("s/x.service", text) == []
