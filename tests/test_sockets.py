"""Which host paths are engine sockets, socket directories or the root."""

from __future__ import annotations

import pytest

from sockelint import sockets
from sockelint.sockets import HostPath


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("/var/run/docker.sock", "/run/docker.sock"),
        ("/run/docker.sock", "/run/docker.sock"),
        ("//var//run//docker.sock", "/run/docker.sock"),
        ("/var/run/docker.sock/", "/run/docker.sock"),
        ("/var/./run/docker.sock", "/run/docker.sock"),
        ("/var/run/docker/../docker.sock", "/run/docker.sock"),
        ("/..", "/"),
        ("unix:///var/run/docker.sock", "/run/docker.sock"),
        ("${DOCKER_SOCK:-/var/run/docker.sock}", "/run/docker.sock"),
        ("${DOCKER_SOCK-/var/run/docker.sock}", "/run/docker.sock"),
        ("${A:-${B:-/run}}/docker.sock", "/run/docker.sock"),
        ("$XDG_RUNTIME_DIR/docker.sock", "/run/user/<uid>/docker.sock"),
        ("${XDG_RUNTIME_DIR}/podman/podman.sock", "/run/user/<uid>/podman/podman.sock"),
        ("/run/user/1000/docker.sock", "/run/user/<uid>/docker.sock"),
        ("/run/user/$UID/docker.sock", "/run/user/<uid>/docker.sock"),
        ("/run/user/$(id -u)/docker.sock", "/run/user/<uid>/docker.sock"),
        ("~/.docker/run/docker.sock", "~/.docker/run/docker.sock"),
        ("$HOME/.docker/run/docker.sock", "~/.docker/run/docker.sock"),
        ("//./pipe/docker_engine", "//./pipe/docker_engine"),
        ("\\\\.\\pipe\\docker_engine", "//./pipe/docker_engine"),
        ("$SOCK", "$SOCK"),
    ],
)
def test_normalise(written: str, canonical: str) -> None:
    assert sockets.normalise(written) == canonical


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/var/run/docker.sock", HostPath.SOCKET),
        ("/run/podman/podman.sock", HostPath.SOCKET),
        ("/run/user/1000/podman/podman.sock", HostPath.SOCKET),
        ("/run/containerd/containerd.sock", HostPath.SOCKET),
        ("/run/k3s/containerd/containerd.sock", HostPath.SOCKET),
        ("/var/snap/microk8s/common/run/containerd.sock", HostPath.SOCKET),
        ("/var/run/crio/crio.sock", HostPath.SOCKET),
        ("/run/buildkit/buildkitd.sock", HostPath.SOCKET),
        ("/var/run/cri-dockerd.sock", HostPath.SOCKET),
        ("/var/run/dockershim.sock", HostPath.SOCKET),
        ("/var/run/docker.sock.raw", HostPath.SOCKET),
        ("//./pipe/docker_engine", HostPath.SOCKET),
        ("/var/run", HostPath.SOCKET_DIR),
        ("/run/", HostPath.SOCKET_DIR),
        ("/var/run/docker", HostPath.SOCKET_DIR),
        ("/run/containerd", HostPath.SOCKET_DIR),
        ("/run/user/1000", HostPath.SOCKET_DIR),
        ("$XDG_RUNTIME_DIR", HostPath.SOCKET_DIR),
        ("/var/run/docker/..", HostPath.SOCKET_DIR),
        ("/", HostPath.ROOT),
        ("//", HostPath.ROOT),
        ("/var/run/postgresql", HostPath.OTHER),
        ("/var/run/postgresql/.s.PGSQL.5432", HostPath.OTHER),
        ("/run/dbus", HostPath.OTHER),
        ("/var/run/thing.sock", HostPath.OTHER),
        ("/var/lib/docker", HostPath.OTHER),
        ("/run/user/1000/pulse", HostPath.OTHER),
        ("//./pipe/other_pipe", HostPath.OTHER),
        ("./docker.sock.bak", HostPath.OTHER),
    ],
)
def test_classify(path: str, expected: HostPath) -> None:
    assert sockets.classify(path) is expected


def test_variables_given_win_over_defaults() -> None:
    path = "${SOCK:-/tmp/x.sock}"

    assert sockets.classify(path, {"SOCK": "/var/run/docker.sock"}) is HostPath.SOCKET
    assert sockets.classify(path) is HostPath.OTHER


def test_engine_names() -> None:
    assert sockets.engine_of("/run/user/1000/podman/podman.sock") == "Podman"
    assert sockets.engine_of("/var/run/docker.sock") == "Docker"
    assert sockets.engine_of("/var/run/postgresql") is None


def test_unresolved() -> None:
    assert sockets.is_unresolved("$SOCK")
    assert not sockets.is_unresolved("${SOCK:-/var/run/docker.sock}")
