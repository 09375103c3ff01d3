"""dotenv files: DOCKER_HOST for a folder's clients."""

from __future__ import annotations

from pathlib import Path

from sockelint import kinds
from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import dotenv
from sockelint.span import Span


def facts(text: str) -> Facts:
    return dotenv.parse(Document(".env", text, "dotenv"))


def test_quoted_value_placed_inside_quotes() -> None:
    (client,) = facts('export DOCKER_HOST="tcp://h:2375" # build box\n').clients

    assert client.host.text == "tcp://h:2375"
    assert client.host.span == Span(".env", 1, 21, 1, 33)
    assert not client.tls_verify


def test_tls_verify_and_last_setting_win() -> None:
    text = "DOCKER_HOST=tcp://a:2375\nDOCKER_HOST=tcp://b:2376\nDOCKER_TLS_VERIFY=1\n"

    (client,) = facts(text).clients

    assert client.host.text == "tcp://b:2376"
    assert client.tls_verify


def test_empty_verify_with_comment_is_off() -> None:
    text = "DOCKER_HOST=tcp://a:2375\nDOCKER_TLS_VERIFY= # off\n"

    assert not facts(text).clients[0].tls_verify


def test_kinds_of_env_files() -> None:
    assert kinds.kind_of("app/.env", "") == "dotenv"
    assert kinds.kind_of(".env.example", "") == "dotenv"
    assert kinds.kind_of("deploy/prod.env", "") == "dotenv"
    assert kinds.kind_of(".envrc", "") == "shell"
    assert kinds.kind_of("env.sh", "") == "shell"


def test_podman_container_host_is_a_client_too() -> None:
    (client,) = facts("CONTAINER_HOST=tcp://p:8888\nDOCKER_TLS_VERIFY=1\n").clients

    assert client.host.text == "tcp://p:8888"
    # DOCKER_TLS_VERIFY speaks for docker clients only.
    assert not client.tls_verify


def test_value_a_compose_file_beside_interpolates_is_reported_there(
    tmp_path: Path,
) -> None:
    from sockelint import engine
    from sockelint.rules import RULES

    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: docker:cli\n"
        "    environment:\n      DOCKER_HOST: ${DOCKER_HOST}\n"
    )
    text = "DOCKER_HOST=tcp://builder:2375\n"
    env = tmp_path / ".env"
    env.write_text(text)

    quiet = Document(".env", text, "dotenv", str(env))
    assert engine.check(quiet, RULES) == []

    # Without that compose file the setting is the folder's clients'.
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: x\n")
    assert [f.rule for f in engine.check(quiet, RULES)] == ["SL203"]
