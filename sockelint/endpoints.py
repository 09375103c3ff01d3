"""Client endpoints: where an environment points docker clients.

One constructor for every place that reads `DOCKER_HOST` and
`DOCKER_TLS_VERIFY` (a workload's environment in `derive`, a CI step's, a
shell prefix or assignment in `dockercli`, a Jenkinsfile), so they all
agree on what "verified" means. It lives apart from `derive` because
`dockercli` needs it and `derive` imports `dockercli`.

`CONTAINER_HOST` is Podman's `DOCKER_HOST` (podman-remote, `podman
--remote`): read wherever `DOCKER_HOST` is. `DOCKER_TLS_VERIFY` does not
speak for it; Podman's own client TLS settings (`--tls-ca`, `--tls-cert`,
a `system connection`) live outside the files read, so a `tcp://` given
there is taken for plaintext.
"""

from __future__ import annotations

from sockelint import truth
from sockelint.model import ClientEndpoint, EnvVar, Word


def tls_verify_on(value: str | None) -> bool:
    """`DOCKER_TLS_VERIFY` as its author means it.

    `1`, `true`, `yes` are on; `0`, `false`, `no`, `off` and an empty value
    are off (`truth.env_on`). The Docker CLI and docker-py turn verification
    on for any non-empty value, `0` included (docker/cli
    `cli/flags/options.go`: `os.Getenv(client.EnvTLSVerify) != ""`), while
    docker-java and hand-written scripts read `0` as off. A user who writes
    `DOCKER_TLS_VERIFY=0` next to a `tcp://` host means a plaintext
    connection, so sockelint reports it (SL203, "Known problems").
    """
    return truth.env_on(value)


# The variables that point a client at an engine, and whether
# `DOCKER_TLS_VERIFY` turns verification on for that client.
HOST_VARIABLES: dict[str, bool] = {"DOCKER_HOST": True, "CONTAINER_HOST": False}


def clients_from_env(
    env: list[EnvVar],
    origin: str,
    workload: str | None = None,
    *,
    verified_if_unset: bool = False,
) -> list[ClientEndpoint]:
    """The endpoints of an environment's `DOCKER_HOST` and `CONTAINER_HOST`.

    The last setting of a name wins, as in a shell or a compose list.
    `verified_if_unset` is what to assume when `env` has no
    `DOCKER_TLS_VERIFY` (a script may export it elsewhere).
    """
    found: list[ClientEndpoint] = []
    for name, docker_tls in HOST_VARIABLES.items():
        host = _last(env, name)
        if host is None or not host.value:
            continue

        verify = _last(env, "DOCKER_TLS_VERIFY") if docker_tls else None
        verified = (
            tls_verify_on(verify.value)
            if verify is not None
            else verified_if_unset and docker_tls
        )
        span = host.value_span or host.span
        word = Word(host.value, span, host.value)
        found.append(ClientEndpoint(word, verified, origin, workload))
    return found


def client_from_env(
    env: list[EnvVar],
    origin: str,
    workload: str | None = None,
    *,
    verified_if_unset: bool = False,
) -> ClientEndpoint | None:
    """The first of `clients_from_env` (`DOCKER_HOST` before
    `CONTAINER_HOST`), None without either."""
    found = clients_from_env(env, origin, workload, verified_if_unset=verified_if_unset)
    return found[0] if found else None


def _last(env: list[EnvVar], name: str) -> EnvVar | None:
    return next((v for v in reversed(env) if v.name == name), None)
