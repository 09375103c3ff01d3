"""dockerd flags, daemon config files and configs written by scripts."""

from __future__ import annotations

import pytest

from sockelint import dockerd, jsonspans
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Command, DaemonConfig, Facts, Word
from sockelint.rules import daemon as daemon_rules
from sockelint.sources import daemon
from sockelint.span import Span


def _words(line: str) -> list[Word]:
    return dockerd.words_in(line, Excerpt.whole("x.sh", line))


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
    words = _words("""a 'b c' "d\\"e" f\\ g $(id -u) && h""")
    assert [w.text for w in words] == ["a", "b c", 'd"e', "f g", "$(id -u)", "&&", "h"]
    assert words[1].span.column == 3


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
    (config,) = daemon.daemon_configs_from_commands(
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
    configs = daemon.daemon_configs_from_commands(facts)
    assert [c.listeners[0].text for c in configs] == ["tcp://0.0.0.0:2375"] * 2


def test_written_unrelated_file_is_ignored() -> None:
    facts = _facts(_command(["echo"], {"/etc/motd": "tcp://0.0.0.0:2375"}))
    assert daemon.daemon_configs_from_commands(facts) == []


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
    configs = daemon.daemon_configs_from_commands(facts)
    tcp = [w.text for c in configs for w in c.listeners if dockerd.is_tcp(w.text)]
    assert tcp == [listener]


def test_sed_that_removes_a_flag_is_nothing() -> None:
    facts = _facts(_command(["sed", "-i", r"s/\ -H\ fd:\/\///g", "docker.service"]))
    configs = daemon.daemon_configs_from_commands(facts)
    assert all(not c.listeners for c in configs)


def test_set_dockerd_in_an_entrypoint() -> None:
    facts = _facts(_command(["set", "--", "dockerd", "--host=tcp://0.0.0.0:2375"]))
    (config,) = daemon.daemon_configs_from_commands(facts)
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
