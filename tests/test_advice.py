"""Advice fits what the workload does: commands first, then its image."""

from __future__ import annotations

import pytest

from sockelint.advice import advise, use_case
from sockelint.model import Command, Word, Workload
from sockelint.span import Span

SPAN = Span("x", 1, 1, 1, 2)


def workload(image: str, *commands: tuple[str, ...], name: str = "svc") -> Workload:
    return Workload(
        name,
        SPAN,
        "compose service",
        image=Word(image, SPAN),
        commands=[Command([Word(a, SPAN) for a in c], SPAN) for c in commands],
    )


@pytest.mark.parametrize(
    ("image", "commands", "expected"),
    [
        (
            "portainer/agent:2.19",
            (),
            "dashboards, discovery, log and metric collectors",
        ),
        ("datadog/agent:7", (), "dashboards, discovery, log and metric collectors"),
        ("traefik:v3", (), "dashboards, discovery, log and metric collectors"),
        ("gitlab/gitlab-runner:latest", (), "image builds in CI"),
        ("docker:24-dind", (), "image builds in CI"),
        ("docker:cli", (), "image builds in CI"),
        ("containrrr/watchtower", (), "restarts and updates"),
        ("willfarrell/autoheal", (), "restarts and updates"),
        ("alpine", (("docker", "pull", "nginx"),), "image pulls"),
        ("alpine", (("docker", "ps"), ("docker", "build", ".")), "image builds in CI"),
        (
            "alpine",
            (("docker", "logs", "-f", "x"),),
            "dashboards, discovery, log and metric collectors",
        ),
        ("alpine", (), "unknown"),
        ("ghcr.io/acme/dockerized-app", (), "unknown"),
        # Names match where a word starts: `otel` is not in `hotel`.
        ("acme/hotel-booking", (), "unknown"),
        ("acme/telescope", (), "unknown"),
        (
            "otel/opentelemetry-collector",
            (),
            "dashboards, discovery, log and metric collectors",
        ),
        ("alpine", (("docker", "compose", "build"),), "image builds in CI"),
        (
            "alpine",
            (("docker", "compose", "-f", "ci.yml", "build"),),
            "image builds in CI",
        ),
        ("alpine", (("docker-compose", "pull"),), "image pulls"),
        ("alpine", (("/usr/bin/podman", "image", "build", "."),), "image builds in CI"),
        (
            "alpine",
            (("docker", "--context", "ci", "logs", "x"),),
            "dashboards, discovery, log and metric collectors",
        ),
    ],
)
def test_use_case(image: str, commands: tuple, expected: str) -> None:
    assert use_case(workload(image, *commands)).name == expected


def test_no_workload_gets_the_general_advice() -> None:
    assert advise(None) == use_case(workload("alpine")).advice


def test_a_shared_mount_gets_advice_for_each_kind_of_workload() -> None:
    from sockelint import engine
    from sockelint.document import Document
    from sockelint.rules import lookup

    text = (
        "x-sock: &sock\n"
        "  volumes:\n"
        "    - /var/run/docker.sock:/var/run/docker.sock\n"
        "services:\n"
        "  portainer:\n"
        "    image: portainer/portainer-ce\n"
        "    <<: *sock\n"
        "  watchtower:\n"
        "    image: containrrr/watchtower\n"
        "    <<: *sock\n"
    )
    document = Document("docker-compose.yml", text, "compose")

    [finding] = engine.check(document, [lookup("SL101")])

    assert finding.advice.startswith("For `portainer`: put a socket proxy")
    assert "For `watchtower`: leave restarts and updates" in finding.advice
