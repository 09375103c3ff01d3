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

from collections.abc import Iterator
from dataclasses import dataclass

from sockelint import truth
from sockelint.model import ClientEndpoint, Command, EnvVar, Word, Workload


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


# --------------------------------------------------------------------------
# Tools that take the engine they drive as a flag of their own


@dataclass(frozen=True, slots=True)
class ToolFlags:
    """How a tool is told which engine to drive, and that it uses TLS."""

    tool: str
    hosts: tuple[str, ...]  # flags whose value is the engine's address
    # Flags that turn TLS on; one ending in `.` is a prefix of a family.
    tls: tuple[str, ...]
    # The programs (or image names) the host flags belong to; empty when
    # the flags name the tool on their own.
    programs: frozenset[str] = frozenset()
    # Whether the tool reads DOCKER_TLS_VERIFY from its environment.
    reads_tls_verify: bool = False


TOOL_FLAGS: tuple[ToolFlags, ...] = (
    # Traefik v2/v3 (`providers.swarm` is v3's), and v1's `--docker.*`.
    ToolFlags(
        "Traefik",
        (
            "--providers.docker.endpoint",
            "--providers.swarm.endpoint",
            "--docker.endpoint",
        ),
        ("--providers.docker.tls.", "--providers.swarm.tls.", "--docker.tls"),
    ),
    ToolFlags(
        "Watchtower",
        ("--host", "-H"),
        ("--tlsverify",),
        frozenset({"watchtower"}),
        reads_tls_verify=True,
    ),
    ToolFlags(
        "Portainer",
        ("--host", "-H"),
        ("--tlsverify",),
        frozenset({"portainer", "portainer-ce", "portainer-ee"}),
    ),
)


def tool_clients(
    words: list[Word],
    image: str | None,
    env: list[EnvVar],
    workload: str | None,
) -> list[ClientEndpoint]:
    """The engines a tool's own flags point it at, in the words of one
    command it runs. `image` (its repository name) or the first word says
    which tool it is when the flags alone do not."""
    program = words[0].text.replace("\\", "/").rsplit("/", 1)[-1] if words else ""
    name = (image or "").rsplit("/", 1)[-1]
    found: list[ClientEndpoint] = []
    for tool in TOOL_FLAGS:
        if tool.programs and not ({program, name} & tool.programs):
            continue
        hosts = list(_flag_values(words, tool.hosts))
        if not hosts:
            continue
        verified = any(_is_tls_flag(w.text, tool.tls) for w in words)
        verify = _last(env, "DOCKER_TLS_VERIFY") if tool.reads_tls_verify else None
        verified = verified or (verify is not None and tls_verify_on(verify.value))
        origin = f"{tool.tool} `{hosts[0][0]}`"
        found += [ClientEndpoint(host, verified, origin, workload) for _, host in hosts]
    return found


def _flag_values(
    words: list[Word], flags: tuple[str, ...]
) -> Iterator[tuple[str, Word]]:
    """(flag, value) for `--flag=value` and `--flag value`."""
    for index, word in enumerate(words):
        flag, equals, value = word.text.partition("=")
        if flag not in flags:
            continue
        if equals and value:
            start = len(flag) + 1
            yield flag, Word(value, word.part(start, start + len(value)), value)
        elif not equals and index + 1 < len(words):
            following = words[index + 1]
            if not following.text.startswith("-"):
                yield flag, following


def _is_tls_flag(text: str, tls: tuple[str, ...]) -> bool:
    flag = text.partition("=")[0]
    return any(
        flag.startswith(t) if t.endswith(".") else flag == t or flag.startswith(t + ".")
        for t in tls
    )


# A tool run on the host by its own name (a script, a unit's ExecStart=).
_TOOL_PROGRAMS = frozenset({"traefik", "watchtower", "portainer"})


def workload_tool_clients(workload: Workload) -> list[ClientEndpoint]:
    """What the tool a workload runs is pointed at by its flags."""
    from sockelint import roles

    image = roles.repository(workload.image.text) if workload.image else None
    found: list[ClientEndpoint] = []
    for command in workload.commands:
        found += tool_clients(command.words, image, workload.env, workload.name)
    return found


def host_tool_clients(commands: list[Command]) -> list[ClientEndpoint]:
    """Tools run on the host by name; in a container, the workload's own
    reading covers them."""
    found: list[ClientEndpoint] = []
    for command in commands:
        if command.runs_in != "host" or not command.words:
            continue
        program = command.words[0].text.replace("\\", "/").rsplit("/", 1)[-1]
        if program in _TOOL_PROGRAMS:
            found += tool_clients(command.words, None, [], None)
    return found
