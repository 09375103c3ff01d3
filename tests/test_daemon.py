"""dockerd flags, daemon config files and configs written by scripts."""

from __future__ import annotations

import pytest

from sockelint import daemonconfig, dockerd, endpoints, engine, jsonspans, roles
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.finding import Finding
from sockelint.model import Command, DaemonConfig, EnvVar, Facts, Word, Workload
from sockelint.rules import RULES
from sockelint.rules import daemon as daemon_rules
from sockelint.sources import daemon, shell
from sockelint.span import Span


def _words(line: str) -> list[Word]:
    return shell.words_of(Excerpt.whole("x.sh", line))


def _daemon(line: str) -> DaemonConfig:
    words = _words(line)
    return dockerd.daemon_from_words(words, words[0].span, "dockerd")


@pytest.mark.parametrize(
    ("line", "listeners"),
    [
        ("dockerd -H tcp://0.0.0.0:2375", ["tcp://0.0.0.0:2375"]),
        ("dockerd -H=tcp://0.0.0.0:2375", ["tcp://0.0.0.0:2375"]),
        ("dockerd -Htcp://0.0.0.0:2375", ["tcp://0.0.0.0:2375"]),
        ("dockerd --host=tcp://[::]:2375", ["tcp://[::]:2375"]),
        ("dockerd -H fd:// --host unix:///run/d.sock", ["fd://", "unix:///run/d.sock"]),
        ("docker daemon -H tcp://x:2375", ["tcp://x:2375"]),
        ("dockerd --debug", []),
    ],
)
def test_listeners(line: str, listeners: list[str]) -> None:
    assert [w.text for w in _daemon(line).listeners] == listeners


def test_listener_value_has_its_own_columns() -> None:
    listener = _daemon("dockerd --host=tcp://0.0.0.0:2375").listeners[0]
    assert (listener.span.column, listener.span.end_column) == (16, 34)


@pytest.mark.parametrize(
    ("line", "tls", "verify", "disabled"),
    [
        ("dockerd --tls", True, False, False),
        ("dockerd --tlsverify", False, True, False),
        ("dockerd --tlsverify=true", False, True, False),
        ("dockerd --tlsverify=false", False, False, True),
        ("dockerd --tls=false", False, False, True),
    ],
)
def test_tls_flags(line: str, tls: bool, verify: bool, disabled: bool) -> None:
    config = _daemon(line)
    assert (config.tls is not None, config.tlsverify is not None) == (tls, verify)
    assert (config.tls_disabled is not None) == disabled


def test_words_keep_quotes_and_columns() -> None:
    """Config text is split by the shell source: its quoting, its columns,
    and commands after `&&` are more words."""
    words = _words("""a 'b c' "d\\"e" f\\ g && h""")
    assert [w.text for w in words] == ["a", "b c", 'd"e', "f g", "h"]
    assert [w.span.column for w in words] == [1, 3, 9, 16, 24]


def test_json_positions_and_errors() -> None:
    text = '{\n  "hosts": ["tcp://x:2375"],\n  "tls": true\n}'
    root = jsonspans.parse(text, Excerpt.whole("daemon.json", text))
    host = root.get("hosts")
    assert host is not None and host.items[0].span.line == 2
    assert host.items[0].span.column == 13

    broken = '{\n "a": [1,]\n}'
    with pytest.raises(jsonspans.JsonError) as error:
        jsonspans.parse(broken, Excerpt.whole("d.json", broken))
    assert error.value.span.line == 2


def test_deep_json_is_an_error_not_a_crash() -> None:
    text = "[" * 5000 + "]" * 5000
    with pytest.raises(jsonspans.JsonError):
        jsonspans.parse(text, Excerpt.whole("d.json", text))


@pytest.mark.parametrize(
    "text",
    ["", "{", '{"hosts": 5}', '{"hosts": [1, null]}', "[]", '"x"', '{"tls": "yes"}'],
)
def test_odd_daemon_json_never_raises(text: str) -> None:
    facts = daemon.parse(Document("daemon.json", text, "daemon-json"))
    assert all(not d.listeners for d in facts.daemons)


def test_systemd_continuation_and_prefix() -> None:
    text = "[Service]\nExecStart=\nExecStart=-/usr/bin/dockerd \\\n  -H tcp://0.0.0.0:2375\n"
    facts = daemon.parse(Document("docker.service", text, "systemd"))
    (config,) = facts.daemons
    assert [w.text for w in config.listeners] == ["tcp://0.0.0.0:2375"]
    assert config.listeners[0].span.line == 4


def test_systemd_other_programs_are_not_daemons() -> None:
    text = "[Service]\nExecStart=/usr/bin/containerd -H tcp://0.0.0.0:2375\n"
    assert daemon.parse(Document("x.service", text, "systemd")).daemons == []


def _command(argv: list[str], writes: dict[str, str] | None = None) -> Command:
    words = []
    column = 1
    for text in argv:
        words.append(Word(text, Span("s.sh", 1, column, 1, column + len(text)), text))
        column += len(text) + 1
    span = Span("s.sh", 1, 1, 1, column)
    written = {
        target: Word(body, Span("s.sh", 2, 1, 2 + body.count("\n"), 2), body)
        for target, body in (writes or {}).items()
    }
    return Command(words, span, writes=written)


def _facts(*commands: Command) -> Facts:
    facts = Facts("s.sh", "shell")
    facts.commands += commands
    return facts


def test_written_drop_in_points_into_the_script() -> None:
    body = "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375"
    target = "/etc/systemd/system/docker.service.d/override.conf"
    (config,) = daemonconfig.daemon_configs_from_commands(
        _facts(_command(["tee", target], {target: body}))
    )
    assert config.listeners[0].span.line == 4


def test_written_daemon_json_and_default_docker() -> None:
    json_body = '{"hosts": ["tcp://0.0.0.0:2375"]}'
    opts = 'DOCKER_OPTS="-H tcp://0.0.0.0:2375"'
    facts = _facts(
        _command(["echo"], {"/etc/docker/daemon.json": json_body}),
        _command(["echo"], {"/etc/default/docker": opts}),
    )
    configs = daemonconfig.daemon_configs_from_commands(facts)
    assert [c.listeners[0].text for c in configs] == ["tcp://0.0.0.0:2375"] * 2


def test_written_unrelated_file_is_ignored() -> None:
    facts = _facts(_command(["echo"], {"/etc/motd": "tcp://0.0.0.0:2375"}))
    assert daemonconfig.daemon_configs_from_commands(facts) == []


@pytest.mark.parametrize(
    ("script", "listener"),
    [
        (
            r"s/^ExecStart=.*/ExecStart=\/usr\/bin\/dockerd -H tcp:\/\/0.0.0.0:2375/",
            "tcp://0.0.0.0:2375",
        ),
        (r"s/^\(ExecStart=.*\)$/\1 -H=tcp:\/\/0.0.0.0:2375/", "tcp://0.0.0.0:2375"),
        (r"s@-H fd:\/\/@-H fd:\/\/ -H tcp:\/\/1.2.3.4:2375@g", "tcp://1.2.3.4:2375"),
    ],
)
def test_sed_rewrites_exec_start(script: str, listener: str) -> None:
    facts = _facts(
        _command(["sed", "-i", script, "/lib/systemd/system/docker.service"])
    )
    configs = daemonconfig.daemon_configs_from_commands(facts)
    tcp = [w.text for c in configs for w in c.listeners if dockerd.is_tcp(w.text)]
    assert tcp == [listener]


def test_sed_that_removes_a_flag_is_nothing() -> None:
    facts = _facts(_command(["sed", "-i", r"s/\ -H\ fd:\/\///g", "docker.service"]))
    configs = daemonconfig.daemon_configs_from_commands(facts)
    assert all(not c.listeners for c in configs)


def test_set_dockerd_in_an_entrypoint() -> None:
    facts = _facts(_command(["set", "--", "dockerd", "--host=tcp://0.0.0.0:2375"]))
    (config,) = daemonconfig.daemon_configs_from_commands(facts)
    assert config.listeners[0].text == "tcp://0.0.0.0:2375"


def _rule_ids(facts: Facts) -> list[str]:
    found = list(daemon_rules.check_plaintext_daemon(facts))
    found += daemon_rules.check_tls_without_client_auth(facts)
    return [f.rule for f in found]


def test_tls_is_sl202_not_sl201() -> None:
    facts = Facts("d.sh", "shell")
    facts.daemons.append(_daemon("dockerd --tls -H tcp://0.0.0.0:2376"))
    assert _rule_ids(facts) == ["SL202"]


def test_tlsverify_is_clean_and_tlsverify_false_is_not() -> None:
    facts = Facts("d.sh", "shell")
    facts.daemons.append(_daemon("dockerd --tlsverify -H tcp://0.0.0.0:2376"))
    assert _rule_ids(facts) == []
    facts.daemons.append(_daemon("dockerd --tlsverify=false -H tcp://0.0.0.0:2376"))
    assert _rule_ids(facts) == ["SL201"]


def _findings(path: str, text: str, kind: str, rule: str) -> list[Finding]:
    found = engine.check(Document(path, text, kind), RULES)
    return [f for f in found if f.rule == rule]


def test_sl204_names_only_the_dind_whose_setting_it_is() -> None:
    text = (
        "services:\n"
        "  good:\n"
        "    image: docker:dind\n"
        "    environment:\n"
        "      DOCKER_TLS_CERTDIR: /certs\n"
        "  bad:\n"
        "    image: docker:dind\n"
        "    environment:\n"
        '      DOCKER_TLS_CERTDIR: ""\n'
        "  worse:\n"
        "    image: docker:27-dind\n"
        "    environment:\n"
        "      - DOCKER_TLS_CERTDIR=\n"
    )
    found = _findings("docker-compose.yml", text, "compose", "SL204")
    assert [(f.span.line, f.message.split(":")[0]) for f in found] == [
        (9, "`DOCKER_TLS_CERTDIR` is empty for docker-in-docker `bad`"),
        (13, "`DOCKER_TLS_CERTDIR` is empty for docker-in-docker `worse`"),
    ]
    assert len({f.fingerprint() for f in found}) == 2


def test_sl201_subjects_tell_daemons_of_one_file_apart() -> None:
    text = (
        "services:\n"
        "  one:\n"
        "    image: docker:dind\n"
        "    command: ['--host=tcp://0.0.0.0:2375']\n"
        "  two:\n"
        "    image: docker:dind\n"
        "    command: ['--host=tcp://0.0.0.0:2375']\n"
    )
    found = _findings("docker-compose.yml", text, "compose", "SL201")
    subjects = [f.subject for f in found]
    assert len(subjects) == 2 and len(set(subjects)) == 2
    assert all("tcp://0.0.0.0:2375" in s for s in subjects)
    # No positions in them: moving the services keeps the fingerprints.
    moved = _findings("docker-compose.yml", "# x\n\n" + text, "compose", "SL201")
    assert [f.fingerprint() for f in moved] == [f.fingerprint() for f in found]


def test_sl201_subject_names_the_workload_running_dockerd() -> None:
    text = (
        "services:\n"
        "  a:\n"
        "    image: alpine\n"
        "    command: dockerd -H tcp://0.0.0.0:2375\n"
        "  b:\n"
        "    image: alpine\n"
        "    command: dockerd -H tcp://0.0.0.0:2375\n"
    )
    found = _findings("docker-compose.yml", text, "compose", "SL201")
    assert len(found) == 2
    assert len({f.subject for f in found}) == 2


@pytest.mark.parametrize(
    ("value", "verified"),
    [
        ("1", True),
        ("true", True),
        ("yes", True),
        ("0", False),  # the Docker CLI would verify; the author means off
        ("false", False),
        ("no", False),
        ("", False),
        (None, False),
    ],
)
def test_client_from_env_reads_tls_verify_as_meant(
    value: str | None, verified: bool
) -> None:
    span = Span("x.yml", 1, 1, 1, 10)
    env = [EnvVar("DOCKER_HOST", "tcp://docker:2375", span, span)]
    if value is not None:
        env.append(EnvVar("DOCKER_TLS_VERIFY", value, span))
    endpoint = endpoints.client_from_env(env, "test", "job")
    assert endpoint is not None
    assert endpoint.tls_verify is verified
    assert endpoint.host.text == "tcp://docker:2375"
    assert endpoint.workload == "job"


def test_client_from_env_last_setting_wins_and_needs_a_host() -> None:
    span = Span("x.yml", 1, 1, 1, 10)
    env = [
        EnvVar("DOCKER_HOST", "tcp://a:2375", span),
        EnvVar("DOCKER_TLS_VERIFY", "1", span),
        EnvVar("DOCKER_TLS_VERIFY", "0", span),
        EnvVar("DOCKER_HOST", "tcp://b:2375", span),
    ]
    endpoint = endpoints.client_from_env(env, "test")
    assert endpoint is not None
    assert (endpoint.host.text, endpoint.tls_verify) == ("tcp://b:2375", False)
    assert endpoints.client_from_env([EnvVar("DOCKER_HOST", "", span)], "t") is None
    unset = [EnvVar("DOCKER_HOST", "tcp://a:2375", span)]
    assert endpoints.client_from_env(unset, "t", verified_if_unset=True).tls_verify


def test_sl203_reports_tls_verify_zero() -> None:
    text = (
        "services:\n"
        "  app:\n"
        "    image: alpine\n"
        "    environment:\n"
        "      DOCKER_HOST: tcp://engine:2375\n"
        '      DOCKER_TLS_VERIFY: "0"\n'
    )
    found = _findings("docker-compose.yml", text, "compose", "SL203")
    assert [f.span.line for f in found] == [5]
    text = text.replace('"0"', '"1"')
    assert _findings("docker-compose.yml", text, "compose", "SL203") == []


@pytest.mark.parametrize(
    ("image", "dind"),
    [
        ("docker:dind", True),
        ("docker:27-dind-rootless", True),
        ("registry.example.com/library/docker:dind", True),
        ("gitlab/dind:latest", True),
        ("docker:27-cli", False),
        ("alpine", False),
    ],
)
def test_is_dind_by_image(image: str, dind: bool) -> None:
    span = Span("x.yml", 1, 1, 1, 2)
    workload = Workload("w", span, "test", image=Word(image, span))
    assert roles.is_dind(workload) is dind
