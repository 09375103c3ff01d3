"""`docker run` and friends read the way the CLI reads them."""

from __future__ import annotations

import pytest

from sockelint import derive
from sockelint.document import Document
from sockelint.model import Facts, Mount, Workload
from sockelint.sources import shell
from sockelint.span import Span


def facts_of(text: str) -> Facts:
    return derive.complete(shell.parse(Document("s.sh", text, "shell")))


def workload(text: str) -> Workload:
    workloads = facts_of(text).workloads
    assert len(workloads) == 1, workloads
    return workloads[0]


def mount(text: str) -> Mount:
    mounts = workload(text).mounts
    assert len(mounts) == 1, mounts
    return mounts[0]


@pytest.mark.parametrize(
    "option",
    [
        "-v /h:/c",
        "-v=/h:/c",
        "-v/h:/c",
        "--volume /h:/c",
        "--volume=/h:/c",
        "-itv /h:/c",
        "--mount type=bind,source=/h,target=/c",
        "--mount=type=bind,src=/h,dst=/c",
        "--mount 'type=bind,source=/h,destination=/c'",
        "--mount type='bind,source=/h,target=/c'",
        '--mount "type=bind,\\"source=/h\\",target=/c"',
    ],
)
def test_every_spelling_of_a_bind(option: str) -> None:
    found = mount(f"docker run {option} img\n")

    assert found.host_path == "/h"
    assert found.target == "/c"
    assert found.span.column == len("docker run ") + 1


def test_mount_span_covers_option_and_value() -> None:
    found = mount("docker run -v /h:/c img\n")

    assert found.span == Span("s.sh", 1, 12, 1, 20)
    assert found.source.span == Span("s.sh", 1, 15, 1, 17)


@pytest.mark.parametrize(
    ("option", "marker"),
    [
        ("-v /h:/c:ro", "ro"),
        ("-v '/h:/c:z,ro'", "ro"),
        ("--volume=/h:/c:ro", "ro"),
        ("--mount type=bind,source=/h,target=/c,readonly", "readonly"),
        ("--mount type=bind,source=/h,target=/c,ro=true", "ro=true"),
    ],
)
def test_read_only_points_inside_the_value(option: str, marker: str) -> None:
    text = f"docker run {option} img\n"
    found = mount(text)

    column = text.rindex(marker) + 1
    assert found.read_only == Span("s.sh", 1, column, 1, column + len(marker))


def test_read_write_and_readonly_false_are_not_read_only() -> None:
    assert mount("docker run -v /h:/c:rw img\n").read_only is None
    assert (
        mount(
            "docker run --mount type=bind,src=/h,dst=/c,readonly=false img\n"
        ).read_only
        is None
    )


def test_anonymous_and_named_volumes_are_not_binds() -> None:
    assert mount("docker run -v /var/run/docker.sock img\n").host_path is None
    assert mount("docker run -v sock:/var/run/docker.sock img\n").host_path is None
    assert mount("docker run --mount type=volume,src=v,dst=/d img\n").host_path is None


def test_volume_with_bind_driver_options_is_a_bind() -> None:
    text = (
        "docker run --mount 'type=volume,dst=/d,volume-driver=local,"
        "volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/srv' img\n"
    )

    assert mount(text).host_path == "/srv"


def test_windows_drive_stays_with_its_path() -> None:
    assert mount("docker run -v C:\\\\data:/data img\n").host_path == "C:\\data"


def test_options_with_values_do_not_become_the_image() -> None:
    found = workload(
        "docker run -d --name web -e A=1 --env=B=2 -p 127.0.0.1:80:8080 --network net "
        "-u 1000 -w /app -h box --restart always --group-add docker "
        "-l k=v --entrypoint sh --privileged nginx:alpine -c 'dockerd -H tcp://0.0.0.0:2375'\n"
    )

    assert found.name == "web"
    assert found.image is not None and found.image.text == "nginx:alpine"
    assert [(e.name, e.value) for e in found.env] == [("A", "1"), ("B", "2")]
    assert (found.ports[0].host_ip, found.ports[0].host_port) == ("127.0.0.1", "80")
    assert [n.text for n in found.networks] == ["net"]
    assert [g.text for g in found.groups] == ["docker"]
    assert found.labels == {"k": "v"}
    assert found.privileged is not None
    assert found.commands[0].argv[:2] == ["sh", "-c"]


def test_command_after_image_runs_in_the_workload() -> None:
    facts = facts_of(
        "docker run --privileged docker:dind dockerd -H tcp://0.0.0.0:2375\n"
    )

    assert len(facts.daemons) == 1
    assert [c.runs_in for c in facts.commands] == ["host", "docker:dind"]


def test_global_flags_and_subcommand_forms() -> None:
    facts = facts_of(
        "docker -H tcp://h:2376 --tlsverify container run img\n"
        "podman --url unix:///x service create --mount type=bind,src=/s,dst=/t img\n"
        "/usr/bin/nerdctl --namespace k8s.io create img\n"
    )

    assert [w.origin for w in facts.workloads] == [
        "docker container run",
        "podman service create",
        "nerdctl create",
    ]
    assert facts.clients[0].host.text == "tcp://h:2376"
    assert facts.clients[0].tls_verify


def test_docker_host_clients() -> None:
    facts = facts_of(
        "export DOCKER_TLS_VERIFY=1\n"
        "export DOCKER_HOST=tcp://a:2376\n"
        "DOCKER_HOST=tcp://b:2375 DOCKER_TLS_VERIFY=0 docker ps\n"
    )

    hosts = {c.host.text: c.tls_verify for c in facts.clients}
    assert hosts == {"tcp://a:2376": True, "tcp://b:2375": False}
    span = next(c.host.span for c in facts.clients if c.host.text == "tcp://a:2376")
    assert span == Span("s.sh", 2, 20, 2, 32)


def test_docker_daemon_is_a_daemon() -> None:
    assert len(facts_of("docker daemon -H tcp://0.0.0.0:2375\n").daemons) == 1


def test_other_subcommands_are_not_workloads() -> None:
    assert not facts_of(
        "docker ps -v /var/run/docker.sock:/x\ndocker exec c run\n"
    ).workloads


def test_network_create_records_internal() -> None:
    facts = facts_of("docker network create --internal -d bridge proxy\n")

    assert facts.networks["proxy"].internal


def test_derive_does_not_count_commands_twice() -> None:
    facts = facts_of("docker run img docker run -v /s:/t inner\n")

    assert len(facts.workloads) == 2
    assert len(facts.commands) == 2


@pytest.mark.parametrize(
    "option",
    [
        # Docker, Windows-only resource options
        "--cpu-count 2",
        "--cpu-percent 50",
        "--io-maxbandwidth 10m",
        "--io-maxiops 100",
        # docker service create
        "--max-concurrent 2",
        # Podman
        "--hostuser bob",
        "--env-merge PATH=/x:${PATH}",
        "--hosts-file none",
        "--shm-size-systemd 64m",
        "--health-max-log-count 5",
        "--mask /proc/acpi",
        "--unmask ALL",
        # nerdctl
        "--verify cosign",
        "--cosign-key k.pub",
    ],
)
def test_valued_options_keep_the_mount_after_them(option: str) -> None:
    found = workload(f"docker run {option} -v /var/run/docker.sock:/s alpine\n")

    assert [m.host_path for m in found.mounts] == ["/var/run/docker.sock"]
    assert found.image is not None and found.image.text == "alpine"


@pytest.mark.parametrize("value", ["50", "512m", "1.5", "2GiB", "30s"])
def test_a_number_after_an_unknown_option_is_its_value(value: str) -> None:
    found = workload(
        f"docker run --some-future-limit {value} -v /var/run/docker.sock:/s alpine\n"
    )

    assert [m.host_path for m in found.mounts] == ["/var/run/docker.sock"]
    assert found.image is not None and found.image.text == "alpine"


def test_an_image_after_an_unknown_switch_is_still_the_image() -> None:
    found = workload("docker run --some-future-switch alpine -v /h:/c\n")

    assert found.image is not None and found.image.text == "alpine"
    assert not found.mounts


def test_a_number_after_a_valued_option_is_the_image() -> None:
    found = workload("docker run -m 512m 50\n")

    assert found.image is not None and found.image.text == "50"


@pytest.mark.parametrize(
    ("flags", "verified"),
    [
        ("--tlsverify", True),
        ("--tlsverify=true", True),
        ("--tlsverify=1", True),
        ("--tlsverify=false", False),
        ("--tlsverify=0", False),
        ("", False),
    ],
)
def test_tlsverify_flag(flags: str, verified: bool) -> None:
    facts = facts_of(f"docker -H tcp://h:2376 {flags} ps\n")

    assert [c.tls_verify for c in facts.clients] == [verified]


@pytest.mark.parametrize(
    ("option", "privileged"),
    [
        ("--privileged", True),
        ("--privileged=true", True),
        ("--privileged=1", True),
        ("--privileged=false", False),
        ("--privileged=0", False),
    ],
)
def test_privileged_flag(option: str, privileged: bool) -> None:
    assert (workload(f"docker run {option} img\n").privileged is not None) is privileged


@pytest.mark.parametrize(
    ("setting", "verified"),
    [("1", True), ("yes", True), ("0", False), ("false", False), ("''", False)],
)
def test_docker_tls_verify_prefix(setting: str, verified: bool) -> None:
    facts = facts_of(
        f"DOCKER_HOST=tcp://h:2376 DOCKER_TLS_VERIFY={setting} docker ps\n"
    )

    assert [c.tls_verify for c in facts.clients] == [verified]
