"""Client endpoints: DOCKER_HOST and Podman's CONTAINER_HOST, and what
verifies them."""

from __future__ import annotations

from sockelint import endpoints, engine
from sockelint.document import Document
from sockelint.model import EnvVar, Word
from sockelint.rules import RULES
from sockelint.span import Span

_AT = Span("x", 1, 1, 1, 2)


def env(**values: str) -> list[EnvVar]:
    return [EnvVar(name, value, _AT, _AT) for name, value in values.items()]


def test_both_variables_are_clients() -> None:
    found = endpoints.clients_from_env(
        env(
            DOCKER_HOST="tcp://a:2376",
            DOCKER_TLS_VERIFY="1",
            CONTAINER_HOST="tcp://b:8080",
        ),
        "test",
    )

    assert [(c.host.text, c.tls_verify) for c in found] == [
        ("tcp://a:2376", True),
        ("tcp://b:8080", False),
    ]


def test_docker_host_comes_first_for_the_single_reader() -> None:
    both = env(CONTAINER_HOST="tcp://b:8080", DOCKER_HOST="tcp://a:2375")
    only_podman = env(CONTAINER_HOST="tcp://b:8080")

    first = endpoints.client_from_env(both, "test")
    podman = endpoints.client_from_env(only_podman, "test")

    assert first is not None and first.host.text == "tcp://a:2375"
    assert podman is not None and podman.host.text == "tcp://b:8080"
    assert endpoints.client_from_env(env(CONTAINER_HOST=""), "test") is None


def test_jenkinsfile_container_host_is_a_client() -> None:
    text = (
        "pipeline {\n  agent any\n  environment {\n"
        "    DOCKER_TLS_VERIFY = '1'\n"
        "    CONTAINER_HOST = 'tcp://podman.internal:8080'\n"
        "  }\n  stages { stage('x') { steps { sh 'podman --remote ps' } } }\n}\n"
    )

    findings = engine.check(Document("Jenkinsfile", text, "jenkins"), RULES)

    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("SL203", 5, 23)
    ]


def words(*texts: str) -> list[Word]:
    return [Word(t, _AT, t) for t in texts]


def test_traefik_endpoint_flag_in_both_forms_and_its_tls() -> None:
    joined = endpoints.tool_clients(
        words("--providers.docker.endpoint=tcp://a:2375"), None, [], "t"
    )
    spaced = endpoints.tool_clients(
        words("traefik", "--providers.docker.endpoint", "tcp://a:2375"), None, [], None
    )
    tls = endpoints.tool_clients(
        words(
            "--providers.docker.endpoint=tcp://a:2376", "--providers.docker.tls.ca=c"
        ),
        None,
        [],
        "t",
    )

    assert [(c.host.text, c.tls_verify) for c in joined + spaced + tls] == [
        ("tcp://a:2375", False),
        ("tcp://a:2375", False),
        ("tcp://a:2376", True),
    ]


def test_generic_host_flags_need_the_tool() -> None:
    flags = words("-H", "tcp://a:2375")
    verified_env = env(DOCKER_TLS_VERIFY="1")

    assert endpoints.tool_clients(flags, "someone/app", [], "x") == []
    assert len(endpoints.tool_clients(flags, "portainer-ce", [], "x")) == 1
    watchtower = endpoints.tool_clients(flags, "watchtower", verified_env, "x")
    assert [c.tls_verify for c in watchtower] == [True]
