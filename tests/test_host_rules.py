"""SL301-SL303 and SL203-SL205 on hand-built facts, independent of sources."""

from __future__ import annotations

import pytest

from sockelint import engine
from sockelint.document import Document
from sockelint.model import (
    ClientEndpoint,
    Command,
    EnvVar,
    Facts,
    Mount,
    Network,
    Word,
    Workload,
)
from sockelint.rules import RULES, Rule, daemon, host, lookup
from sockelint.span import Span


def _span(line: int = 1) -> Span:
    return Span("f", line, 1, line, 2)


def _command(line: str | list[str]) -> Command:
    """A command from a line split at spaces, or from its words."""
    words = []
    column = 1
    for text in line.split(" ") if isinstance(line, str) else line:
        span = Span("s.sh", 1, column, 1, column + len(text))
        words.append(Word(text, span, text))
        column += len(text) + 1
    return Command(words, Span("s.sh", 1, 1, 1, column))


def _facts(*lines: str | list[str]) -> Facts:
    facts = Facts("s.sh", "shell")
    facts.commands += [_command(line) for line in lines]
    return facts


@pytest.mark.parametrize(
    ("lines", "count"),
    [
        (["chmod 666 /var/run/docker.sock"], 1),
        (["chmod 0777 /run/docker.sock"], 1),
        (["chmod a+rw /var/run/docker.sock"], 1),
        (["chmod o+w /run/user/1000/docker.sock"], 1),
        (["chmod 666 /run/podman/podman.sock"], 1),
        (["chmod 666 $DOCKER_SOCKET"], 1),
        (["chgrp staff /var/run/docker.sock", "chmod g+w /var/run/docker.sock"], 1),
        (["chown jenkins:jenkins /var/run/docker.sock"], 1),
        (["chmod 660 /var/run/docker.sock"], 0),
        (["chmod 664 /var/run/docker.sock"], 0),
        (["chmod g+w /var/run/docker.sock"], 0),
        (["chmod 777 /var/run/postgresql"], 0),
        (["chmod 666 /var/run/docker.pid"], 0),
        (["chown root:root /var/run/docker.sock"], 0),
        (["chmod 666 $SOMETHING"], 0),
    ],
)
def test_socket_permissions(lines: list[str], count: int) -> None:
    assert len(list(host.check_socket_permissions(_facts(*lines)))) == count


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("usermod -aG docker me", True),
        ("usermod -a -G docker me", True),
        ("usermod -G wheel,docker me", True),
        ("usermod --groups=docker me", True),
        ("useradd -m -G docker ci", True),
        ("gpasswd -a me docker", True),
        ("gpasswd --add me docker", True),
        ("adduser me docker", True),
        ("addgroup me docker", True),
        ("adduser --ingroup docker me", True),
        ("adduser -S -G docker app", True),
        ("adduser -D -G docker bob", True),
        ("adduser -D -s /bin/sh -G docker bob", True),
        ("adduser -SG docker app", True),
        ("adduser --ingroup=docker me", True),
        ("addgroup -S app docker", True),
        ("adduser -D -h /home/bob bob", False),
        ("adduser -D -G wheel bob", False),
        ("addgroup -S docker", False),
        ("addgroup -g 999 docker", False),
        ("usermod -aG wheel me", False),
        ("gpasswd -d me docker", False),
        ("adduser me", False),
        ("groupadd docker", False),
    ],
)
def test_docker_group_grant(line: str | list[str], found: bool) -> None:
    facts = _facts(line)
    assert bool(list(host.check_docker_group_grant(facts))) == found


@pytest.mark.parametrize(
    ("line", "user"),
    [
        ("usermod -aG docker jenkins", "jenkins"),
        ("gpasswd -a me docker", "me"),
        ("adduser me docker", "me"),
        ("adduser -S -G docker app", "app"),
    ],
)
def test_docker_group_message_names_the_user_and_command(line: str, user: str) -> None:
    (finding,) = host.check_docker_group_grant(_facts(line))

    assert finding.message.startswith(
        f"`{user}` is added to the `docker` group by `{line}`: "
    )
    assert finding.span.column == line.index("docker") + 1


def _workload(name: str, image: str, **extra: object) -> Workload:
    workload = Workload(name, _span(), "compose service", Word(image, _span()))
    for key, value in extra.items():
        setattr(workload, key, value)
    return workload


def _mount(path: str) -> Mount:
    return Mount(Word(path, _span(5)), _span(5), path, "/x")


@pytest.mark.parametrize(
    ("workload", "found"),
    [
        (_workload("d", "docker:dind", privileged=_span(3)), True),
        (_workload("d", "docker:24.0-dind-rootless", privileged=_span(3)), True),
        (_workload("p", "tecnativa/docker-socket-proxy", privileged=_span(3)), True),
        (
            _workload(
                "a",
                "x/agent",
                privileged=_span(3),
                mounts=[_mount("/var/run/docker.sock")],
            ),
            True,
        ),
        (_workload("a", "x/agent", privileged=_span(3), mounts=[_mount("/")]), True),
        (_workload("a", "x/agent", privileged=_span(3), mounts=[_mount("/run")]), True),
        (_workload("v", "x/vpn", privileged=_span(3), mounts=[_mount("/dev")]), False),
        (_workload("d", "docker:dind"), False),
        (_workload("c", "docker:cli", privileged=_span(3)), False),
    ],
)
def test_privileged_engine(workload: Workload, found: bool) -> None:
    facts = Facts("c.yml", "compose", workloads=[workload])
    assert bool(list(host.check_privileged_engine(facts))) == found


def test_group_add_on_a_workload() -> None:
    workload = _workload("w", "x/app", groups=[Word("docker", _span(4))])
    facts = Facts("c.yml", "compose", workloads=[workload])
    (finding,) = host.check_docker_group_grant(facts)
    assert finding.span.line == 4
    assert finding.message.startswith(
        "The workload `w` joins the `docker` group (`--group-add docker`): "
    )


@pytest.mark.parametrize(
    ("script", "rule", "line"),
    [
        ("bash -c 'usermod -aG docker me'\n", "SL302", 1),
        ("su root -c 'usermod -aG docker me'\n", "SL302", 1),
        ("su -lc 'usermod -aG docker me'\n", "SL302", 1),
        (
            "ssh h sudo sh -c 'apt-get install docker; usermod -aG docker me'\n",
            "SL302",
            1,
        ),
        ('ansible all -a "usermod -aG docker me" --become\n', "SL302", 1),
        ('ansible all -m shell -a "usermod -aG docker me"\n', "SL302", 1),
        ("docker exec c sh -c 'chmod 666 /var/run/docker.sock'\n", "SL301", 1),
        ("nsenter -t 1 -m sh -c 'chmod 666 /var/run/docker.sock'\n", "SL301", 1),
        ("S=/var/run/docker.sock\nchmod 666 $S\n", "SL301", 2),
        ("export S=/var/run/docker.sock\nsudo chmod 666 ${S}\n", "SL301", 2),
    ],
)
def test_commands_the_shell_source_hands_on(script: str, rule: str, line: int) -> None:
    found = engine.check(Document("s.sh", script, "shell"), host_rules())

    assert [(f.rule, f.span.line) for f in found] == [(rule, line)]


@pytest.mark.parametrize(
    "script",
    [
        'ansible all -m user -a "name=me groups=docker append=yes"\n',
        "echo bash -c 'usermod -aG docker me'\n",
        "ansible-doc -a 'usermod -aG docker me'\n",
    ],
)
def test_strings_that_are_not_run_are_not_handed_on(script: str) -> None:
    assert not engine.check(Document("s.sh", script, "shell"), host_rules())


def host_rules() -> list[Rule]:
    return [rule for rule in RULES if rule.id in ("SL301", "SL302", "SL303")]


def _client(
    host_text: str, workload: str | None, verify: bool = False
) -> ClientEndpoint:
    return ClientEndpoint(Word(host_text, _span(9)), verify, "env", workload)


def _proxy_facts(internal: bool) -> Facts:
    proxy = _workload(
        "socket-proxy",
        "tecnativa/docker-socket-proxy",
        networks=[Word("back", _span())],
    )
    client = _workload("app", "x/app", networks=[Word("back", _span())])
    facts = Facts("c.yml", "compose", workloads=[proxy, client])
    facts.networks["back"] = Network("back", internal, _span())
    facts.clients.append(_client("tcp://socket-proxy:2375", "app"))
    return facts


def test_client_of_an_internal_proxy_is_quiet() -> None:
    assert list(daemon.check_plaintext_client(_proxy_facts(internal=True))) == []
    assert len(list(daemon.check_plaintext_client(_proxy_facts(internal=False)))) == 1


@pytest.mark.parametrize(
    ("host_text", "verify", "found"),
    [
        ("tcp://10.0.0.1:2375", False, True),
        ("tcp://localhost:2375", False, True),
        ("tcp://10.0.0.1:2376", True, False),
        ("unix:///var/run/docker.sock", False, False),
        ("ssh://me@host", False, False),
    ],
)
def test_plaintext_client(host_text: str, verify: bool, found: bool) -> None:
    facts = Facts("s.sh", "shell", clients=[_client(host_text, None, verify)])
    assert bool(list(daemon.check_plaintext_client(facts))) == found


def test_dind_tls_disabled_points_at_the_env_entry() -> None:
    env = [EnvVar("DOCKER_TLS_CERTDIR", "", _span(7))]
    dind = _workload("docker", "docker:dind", env=env)
    facts = Facts("c.yml", "compose", workloads=[dind])
    (finding,) = daemon.check_dind_tls_disabled(facts)
    assert finding.span.line == 7

    dind.env = [EnvVar("DOCKER_TLS_CERTDIR", "/certs", _span(7))]
    assert list(daemon.check_dind_tls_disabled(facts)) == []


def test_tls_off_on_a_job_reaches_its_dind_service() -> None:
    """GitLab hands job variables to services: the source gives the dind
    service the job's variable, and the rule looks at dind workloads only."""
    text = (
        "build:\n"
        "  image: docker:24\n"
        "  services:\n"
        "    - docker:24-dind\n"
        "  variables:\n"
        '    DOCKER_TLS_CERTDIR: ""\n'
        "  script:\n"
        "    - docker build .\n"
    )
    document = Document(".gitlab-ci.yml", text, "gitlab-ci")

    findings = engine.check(document, [lookup("SL204")])

    assert [(f.rule, f.span.line) for f in findings] == [("SL204", 6)]


def test_tls_off_beside_a_compose_dind_is_not_the_dind() -> None:
    """Compose services do not share environment: an empty certdir on
    another service is not the dind's."""
    job = _workload(
        "build", "x/builder", env=[EnvVar("DOCKER_TLS_CERTDIR", "", _span(5))]
    )
    service = _workload("docker", "docker:20.10-dind")
    facts = Facts("compose.yaml", "compose", workloads=[job, service])

    assert list(daemon.check_dind_tls_disabled(facts)) == []


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("socat TCP-LISTEN:2375,fork UNIX-CONNECT:/var/run/docker.sock", True),
        ("socat tcp4-listen:2375,reuseaddr,fork unix:/run/docker.sock", True),
        (["ncat", "-lk", "2375", "--sh-exec", "ncat -U /var/run/docker.sock"], True),
        ("socat UNIX-LISTEN:/tmp/d.sock,fork UNIX-CONNECT:/var/run/docker.sock", False),
        ("socat TCP-LISTEN:80,fork TCP:backend:8080", False),
        ("nc -lU /tmp/x.sock", False),
    ],
)
def test_socket_relay(line: str | list[str], found: bool) -> None:
    facts = _facts(line)
    assert bool(list(daemon.check_socket_relay(facts))) == found
