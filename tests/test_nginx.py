"""The nginx source: its tokenizer, its directive tree and its relays."""

from __future__ import annotations

import pytest

from sockelint import engine, kinds
from sockelint.document import Document
from sockelint.rules import RULES
from sockelint.sources import nginx


def _findings(text: str, path: str = "nginx/nginx.conf") -> list[tuple[int, str]]:
    kind = kinds.kind_of(path, text[:4096])
    assert kind == "nginx"
    findings = engine.check(Document(path, text, kind), RULES)
    return sorted((f.span.line, f.rule) for f in findings)


def test_tokens_keep_offsets_and_unquote() -> None:
    text = 'log_format main \'$a "b"\' "c\\"d"; # proxy_pass x;\nlisten 80;'
    found = nginx.tokens(text)

    assert [t.text for t in found] == [
        "log_format",
        "main",
        '$a "b"',
        'c"d',
        ";",
        "listen",
        "80",
        ";",
    ]
    quoted = found[2]
    assert text[quoted.start : quoted.end] == "'$a \"b\"'"


def test_variable_braces_stay_in_the_word() -> None:
    found = nginx.tokens("set $x ${host}_y;")

    assert [t.text for t in found] == ["set", "$x", "${host}_y", ";"]


def test_directives_nest_blocks() -> None:
    tree = nginx.directives("stream { server { listen 1; } }\nevents {}")

    assert [d.name.text for d in tree] == ["stream", "events"]
    server = (tree[0].block or [])[0]
    assert server.name.text == "server"
    assert [(d.name.text, [a.text for a in d.args]) for d in server.block or []] == [
        ("listen", ["1"])
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("server { listen 1 }", "`;` missing"),
        ("listen 1; }", "unexpected `}`"),
        ("http {", "`}` missing"),
        ("listen 1", "`;` missing"),
        ("return 200 'never closed;", "unterminated"),
        ("; listen 1;", "unexpected `;`"),
    ],
)
def test_malformed_text_is_a_syntax_problem(text: str, reason: str) -> None:
    with pytest.raises(nginx.SyntaxProblem) as raised:
        nginx.directives(text)

    assert reason in raised.value.reason


def test_parse_error_is_sl000_with_its_line() -> None:
    text = "stream {\n  server {\n    proxy_pass unix:/var/run/docker.sock;\n"

    assert _findings(text) == [(2, "SL000")]


def test_text_without_a_pass_is_not_parsed() -> None:
    # Another program's `.conf` in a `conf.d/` folder: unbalanced braces,
    # yet nothing to say about it.
    document = Document("conf.d/app.conf", "[main]\nkey = {value\n", "nginx")

    facts = nginx.parse(document)

    assert not facts.problems and not facts.relays


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("nginx.conf", "nginx"),
        ("deploy/nginx-docker.conf", "nginx"),
        ("etc/nginx/conf.d/default.conf", "nginx"),
        ("etc/nginx/sites-enabled/engine.conf", "nginx"),
        ("docker/nginx/templates/default.conf.template", "nginx"),
        ("etc/httpd/conf.d/proxy.conf", "nginx"),
        ("etc/sysctl.d/99-net.conf", None),
        ("etc/containers/registries.conf.d/mirror.conf", None),
        ("app.conf", None),
    ],
)
def test_kind_by_path(path: str, kind: str | None) -> None:
    assert kinds.kind_of(path, "") == kind


def test_stream_relay_through_an_upstream() -> None:
    text = (
        "stream {\n"
        "  upstream engine { server unix:/var/run/docker.sock; }\n"
        "  server {\n"
        "    listen 2375;\n"
        "    proxy_pass engine;\n"
        "  }\n"
        "}\n"
    )

    assert _findings(text) == [(5, "SL205")]


def test_client_certificates_needed_on_every_listener() -> None:
    text = (
        "stream {\n"
        "  server {\n"
        "    listen 2376 ssl;\n"
        "    listen 2375;\n"
        "    ssl_verify_client on;\n"
        "    proxy_pass unix:/var/run/docker.sock;\n"
        "  }\n"
        "}\n"
    )

    assert _findings(text) == [(6, "SL205")]


def test_client_certificates_inherited_from_http() -> None:
    text = (
        "http {\n"
        "  ssl_verify_client on;\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    location / { proxy_pass http://unix:/var/run/docker.sock:/; }\n"
        "  }\n"
        "}\n"
    )

    assert _findings(text) == []


def test_optional_client_certificate_is_no_protection() -> None:
    text = (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    ssl_verify_client optional;\n"
        "    location / { proxy_pass http://unix:/var/run/docker.sock:/; }\n"
        "  }\n"
        "}\n"
    )

    assert _findings(text) == [(5, "SL205")]


def test_relay_span_covers_the_directive() -> None:
    text = "stream { server { listen 2375; proxy_pass unix:/run/docker.sock; } }"
    facts = nginx.parse(Document("nginx.conf", text, "nginx"))

    (relay,) = facts.relays
    assert relay.target.text == "/run/docker.sock"
    assert (relay.span.column, relay.span.end_column) == (32, 65)
    assert [w.text for w in relay.listeners] == ["2375"]
