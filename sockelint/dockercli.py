"""Commands that reach an engine: `docker run` and friends, `dockerd`, clients.

`docker`/`podman`/`nerdctl` `run`, `create`, `container run|create` and
`service create` become a `Workload`, with their options parsed the way the
CLI parses them (which options take a value, `-itd`, `--opt=value`); the
arguments after the image are a command that runs inside that workload.
`dockerd` and `docker daemon` become a daemon config; `-H`/`--host` and
`DOCKER_HOST` and `CONTAINER_HOST` (prefix, assignment, `export`) become
client endpoints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sockelint import argv, dockerd, endpoints, roles, truth
from sockelint.model import (
    ClientEndpoint,
    Command,
    DaemonConfig,
    EnvVar,
    Facts,
    Mount,
    Network,
    Port,
    Word,
    Workload,
)
from sockelint.span import Span

CLIENTS = frozenset({"docker", "podman", "nerdctl"})
_DECLARATIONS = frozenset({"export", "declare", "local", "readonly", "typeset"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMPOSE_PROGRAMS = frozenset({"docker-compose", "podman-compose"})
# `docker compose` options before its subcommand that take a value.
_COMPOSE_VALUED = _words(
    "-f --file -p --project-name --profile --env-file --project-directory "
    "--ansi --progress --parallel"
)


# Global options (before the subcommand) that take a value: docker's,
# podman's and nerdctl's.
_GLOBAL_VALUED = _words(
    "-H --host -c --context --config -l --log-level --tlscacert --tlscert "
    "--tlskey --url --connection --root --runroot --storage-driver "
    "--storage-opt --cgroup-manager --conmon --events-backend --identity "
    "--imagestore --module --network-cmd-path --network-config-dir --out "
    "--runtime --runtime-flag --ssh --tmpdir --volumepath --cdi-spec-dir "
    "--db-backend --hooks-dir --address -a -n --namespace --snapshotter "
    "--cni-path --cni-netconfpath --data-root --hosts-dir "
    "--host-gateway-ip --bridge-ip"
)

# `run`/`create`/`service create` options that take a value; every other
# option is a switch (`--rm`, `-d`, `--privileged`, or `--opt=value`). A
# valued option missing here would make its value look like the image and
# lose every option after it, so the lists are complete as of Docker 28
# (`docker run --help`, `docker service create --help`, hidden and Windows
# options included), Podman 5 (`podman run --help`) and nerdctl 2.
_DOCKER_RUN_VALUED = _words(
    "--add-host --annotation -a --attach --blkio-weight "
    "--blkio-weight-device --cap-add --cap-drop --cgroup-parent --cgroupns "
    "--cidfile --cpu-count --cpu-percent --cpu-period --cpu-quota "
    "--cpu-rt-period --cpu-rt-runtime -c --cpu-shares --cpus --cpuset-cpus "
    "--cpuset-mems --detach-keys --device --device-cgroup-rule "
    "--device-read-bps --device-read-iops --device-write-bps "
    "--device-write-iops --dns --dns-option --dns-opt --dns-search "
    "--domainname --entrypoint -e --env --env-file --expose --gpus "
    "--group-add --health-cmd --health-interval --health-retries "
    "--health-start-interval --health-start-period --health-timeout -h "
    "--hostname --io-maxbandwidth --io-maxiops --ip --ip6 --ipc --isolation "
    "--kernel-memory -l --label --label-file --link --link-local-ip "
    "--log-driver --log-opt --mac-address -m --memory --memory-reservation "
    "--memory-swap --memory-swappiness --mount --name --network --net "
    "--network-alias --net-alias --oom-score-adj --pid --pids-limit "
    "--platform -p --publish --pull --restart --runtime --security-opt "
    "--shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs "
    "--ulimit -u --user --userns --uts -v --volume --volume-driver "
    "--volumes-from -w --workdir"
)
_SERVICE_VALUED = _words(
    "--config --constraint --container-label --credential-spec "
    "--endpoint-mode --generic-resource --group --host --limit-cpu "
    "--limit-memory --limit-pids --max-concurrent --max-replicas --mode "
    "--placement-pref --replicas --replicas-max-per-node --reserve-cpu "
    "--reserve-memory --restart-condition --restart-delay "
    "--restart-max-attempts --restart-window --rollback-delay "
    "--rollback-failure-action --rollback-max-failure-ratio "
    "--rollback-monitor --rollback-order --rollback-parallelism --secret "
    "--stop-grace-period --update-delay --update-failure-action "
    "--update-max-failure-ratio --update-monitor --update-order "
    "--update-parallelism"
)
_PODMAN_RUN_VALUED = _words(
    "--arch --authfile --cert-dir --cgroup-conf --cgroups --chrootdirs "
    "--conmon-pidfile --creds --decryption-key --env-merge --gidmap "
    "--group-entry --health-log-destination --health-max-log-count "
    "--health-max-log-size --health-on-failure --health-startup-cmd "
    "--health-startup-interval --health-startup-retries "
    "--health-startup-success --health-startup-timeout --hooks-dir "
    "--hosts-file --hostuser --image-volume --init-ctr --init-path --mac "
    "--mask --os --passwd-entry --personality --pidfile --pod --pod-id-file "
    "--preserve-fd --preserve-fds --rdt-class --requires --retry "
    "--retry-delay --sdnotify --seccomp-policy --secret --shm-size-systemd "
    "--subgidname --subuidname --systemd --timeout --tz --uidmap --umask "
    "--unmask --unsetenv --variant"
)
_NERDCTL_RUN_VALUED = _words(
    "--cosign-certificate-identity --cosign-certificate-identity-regexp "
    "--cosign-certificate-oidc-issuer --cosign-certificate-oidc-issuer-regexp "
    "--cosign-key --ipfs-address --notation-key-name --snapshotter "
    "--soci-index-digest --unpack --verify"
)
_RUN_VALUED = (
    _DOCKER_RUN_VALUED | _SERVICE_VALUED | _PODMAN_RUN_VALUED | _NERDCTL_RUN_VALUED
)
# A word where the image should be that is a number, a size or a duration
# (`50`, `512m`, `1.5`, `30s`) is the value of an option this table does not
# know yet (a newer CLI), not an image: parsing goes on after it.
_OPTION_VALUE = re.compile(r"\d+(\.\d+)?([kmgtp]i?b?|b|ns|us|ms|s|h)?", re.I)
_VOLUME_OPTIONS = _words(
    "ro rw z Z shared slave private rshared rslave rprivate nocopy "
    "consistent cached delegated U O exec noexec suid nosuid dev nodev "
    "idmap readonly"
)


@dataclass(slots=True)
class _Value:
    """An option's value: the word holding it and where in it it starts."""

    word: Word
    offset: int  # index in word.text where the value starts

    @property
    def text(self) -> str:
        return self.word.text[self.offset :]

    def part(self, start: int, end: int) -> Span:
        """The span of text[start:end] of the value, if it can be placed
        exactly; else the whole word."""
        return self.word.part(self.offset + start, self.offset + end)


# --------------------------------------------------------------------------


def interpret(command: Command, facts: Facts, depth: int = 0) -> None:
    words = command.words
    if not words or depth > 4:
        return

    program = argv.program(words[0].text)
    _env_clients(command, facts)
    if program in roles.DOCKERD_PROGRAMS:  # dockerd, or dind's entrypoint
        facts.daemons.append(
            dockerd.daemon_from_words(words, command.span, "dockerd command")
        )
    elif program in CLIENTS:
        _client(command, facts, program, depth)
    elif program in _COMPOSE_PROGRAMS:
        _compose_run(command, facts, 1, program, depth)
    elif program == "gitlab-runner":
        _runner_register(command, facts)
    elif program in _DECLARATIONS or argv.is_assignment(words[0].text):
        _assignment_clients(command, facts)


def _client(command: Command, facts: Facts, program: str, depth: int) -> None:
    words = command.words
    index, hosts, tls_verify = _globals(words)
    for host in hosts:
        verified = tls_verify or _script_verifies(command, facts)
        facts.clients.append(
            ClientEndpoint(host, verified, f"{program} -H", _workload_of(command))
        )

    subcommand = [w.text for w in words[index : index + 2]]
    if subcommand[:1] == ["daemon"]:
        daemon = dockerd.daemon_from_words(
            words[index:], command.span, f"{program} daemon"
        )
        facts.daemons.append(daemon)
    elif subcommand[:1] in (["run"], ["create"]):
        _workload(command, facts, index, f"{program} {subcommand[0]}", depth)
    elif subcommand in (
        ["container", "run"],
        ["container", "create"],
        ["service", "create"],
    ):
        _workload(command, facts, index + 1, f"{program} {' '.join(subcommand)}", depth)
    elif subcommand == ["network", "create"]:
        _network(command, facts, index + 2)
    elif subcommand[:1] == ["compose"]:
        _compose_run(command, facts, index + 1, f"{program} compose", depth)
    elif subcommand == ["system", "service"] and program == "podman":
        facts.daemons.append(_podman_service(command, index + 2))
    elif subcommand == ["service", "update"]:
        _service_update(command, facts, index + 1, program)


# `service update` options that add to the service, as the `run` option
# with the same effect.
_UPDATE_ADDS = {
    "--mount-add": "--mount",
    "--env-add": "-e",
    "--group-add": "--group-add",
    "--publish-add": "-p",
    "--network-add": "--network",
    "--container-label-add": "--container-label",
}


_UPDATE_SWITCHES = _words(
    "-d --detach --force --init --no-healthcheck --no-resolve-image -q --quiet "
    "--read-only --rollback -t --tty --with-registry-auth"
)


def _service_update(command: Command, facts: Facts, index: int, program: str) -> None:
    """`docker service update --mount-add type=bind,... SERVICE`: the
    service's containers get what is added (`*-rm` options take away)."""
    words = command.words
    verb = words[index]
    workload = Workload(
        name=words[-1].text if len(words) > index + 1 else verb.text,
        span=verb.span,
        origin=f"{program} service update",
        extent=command.span,
    )
    position = index + 1
    while position < len(words) - 1:
        word = words[position]
        name, equals, _ = word.text.partition("=")
        value = _option_value(words, position, name, equals)
        if name in _UPDATE_ADDS and value is not None:
            _apply(workload, _UPDATE_ADDS[name], value, word)
        elif name == "--image" and value is not None:
            workload.image = _as_word(value)
        valued = name.startswith("-") and not equals and name not in _UPDATE_SWITCHES
        position += 2 if valued else 1
    if workload.mounts or workload.groups or workload.env or workload.ports:
        facts.workloads.append(workload)


_PODMAN_SERVICE_VALUED = _words("-t --time --cors --tls-cert --tls-key --tls-client-ca")


def _podman_service(command: Command, index: int) -> DaemonConfig:
    """`podman system service [--time=0] tcp:0.0.0.0:8080`: the Podman API,
    which serves the Docker API too, on the address given (a unix socket
    when none is). Podman writes `tcp:` and `tcp://` alike."""
    words = command.words
    daemon = DaemonConfig(command.span, "podman system service")
    while index < len(words):
        word = words[index]
        name, equals, _ = word.text.partition("=")
        if name in ("--tls-cert", "--tls-client-ca"):
            # Podman's own TLS: not judged further (its flags are not
            # dockerd's, and SL202's advice would not fit).
            daemon.tlsverify = word.span
        elif not word.text.startswith("-"):
            address = word.text
            if address.lower().startswith("tcp:") and address[4:6] != "//":
                address = "tcp://" + address[4:]
            daemon.listeners.append(Word(address, word.span, word.raw))
            break
        index += 2 if name in _PODMAN_SERVICE_VALUED and not equals else 1
    return daemon


def _compose_run(
    command: Command, facts: Facts, index: int, program: str, depth: int
) -> None:
    """`docker compose [-f x.yml] run -v ... SERVICE [COMMAND]`: a one-off
    container of that service, with the mounts given here added to it."""
    words = command.words
    while index < len(words) and words[index].text.startswith("-"):
        name = words[index].text.partition("=")[0]
        equals = "=" in words[index].text
        index += 2 if name in _COMPOSE_VALUED and not equals else 1
    if index < len(words) and words[index].text == "run":
        _workload(command, facts, index, f"{program} run", depth, service=True)


def _runner_register(command: Command, facts: Facts) -> None:
    """`gitlab-runner register --docker-volumes ... --docker-privileged`
    writes `[runners.docker]` of the runner's config.toml: every job
    container then gets those mounts, as if they were written there."""
    words = command.words
    if "register" not in (word.text for word in words[1:4]):
        return

    workload = Workload(
        name="gitlab-runner register",
        span=words[0].span,
        origin="GitLab Runner job containers",
        extent=command.span,
    )
    for index, word in enumerate(words):
        name, equals, setting = word.text.partition("=")
        if name == "--docker-privileged":
            if truth.flag_on(setting if equals else None):
                workload.privileged = word.span
            continue
        if name not in ("--docker-volumes", "--docker-image", "--description"):
            continue
        value = _option_value(words, index, name, equals)
        if value is None:
            continue
        if name == "--docker-volumes":
            _apply(workload, "-v", value, word)
        elif name == "--docker-image":
            workload.image = _as_word(value)
        else:
            workload.name = value.text
    facts.workloads.append(workload)


def _globals(words: list[Word]) -> tuple[int, list[Word], bool]:
    """Index of the subcommand, the `-H` hosts and whether TLS is verified."""
    hosts: list[Word] = []
    verify = False
    index = 1
    while index < len(words):
        text = words[index].text
        if not text.startswith("-") or text == "-":
            break
        name, equals, setting = text.partition("=")
        if name == "--tlsverify":
            verify = truth.flag_on(setting if equals else None)
        if name in ("-H", "--host"):
            value = _option_value(words, index, name, equals)
            if value is not None:
                hosts.append(_as_word(value))
        elif text.startswith("-H") and not text.startswith("--") and len(text) > 2:
            hosts.append(_as_word(_Value(words[index], 2)))
        if name in _GLOBAL_VALUED and not equals:
            index += 1
        index += 1
    return index, hosts, verify


def _option_value(
    words: list[Word], index: int, name: str, equals: str
) -> _Value | None:
    if equals:
        return _Value(words[index], len(name) + 1)
    if index + 1 < len(words):
        return _Value(words[index + 1], 0)
    return None


def _as_word(value: _Value) -> Word:
    if value.offset == 0:
        return value.word
    return Word(value.text, value.part(0, len(value.text)), value.text)


# --------------------------------------------------------------------------
# run / create / service create


def _options(
    words: list[Word], start: int
) -> tuple[list[tuple[str, _Value | None, Word]], int]:
    """(option name, value, option word) of each option, and the index of
    the image."""
    options: list[tuple[str, _Value | None, Word]] = []
    index = start
    while index < len(words):
        word = words[index]
        text = word.text
        if text == "--":
            index += 1
            break
        if not text.startswith("-") or text == "-":
            if not _unknown_option_value(words, index, options):
                break
            name, _, option_word = options[-1]
            options[-1] = (name, _Value(word, 0), option_word)
            index += 1
            continue
        if text.startswith("--"):
            name, equals, _ = text.partition("=")
            if equals:
                options.append((name, _Value(word, len(name) + 1), word))
            elif name in _RUN_VALUED and index + 1 < len(words):
                index += 1
                options.append((name, _Value(words[index], 0), word))
            else:
                options.append((name, None, word))
            index += 1
            continue
        index = _short_options(words, index, options)
    return options, index


def _unknown_option_value(
    words: list[Word], index: int, options: list[tuple[str, _Value | None, Word]]
) -> bool:
    """Whether the word where the image should be is a number or a size
    following a switch: the value of an option the table does not know."""
    if not options or options[-1][1] is not None:
        return False
    follows_option = options[-1][2] is words[index - 1]
    return follows_option and _OPTION_VALUE.fullmatch(words[index].text) is not None


def _short_options(
    words: list[Word], index: int, options: list[tuple[str, _Value | None, Word]]
) -> int:
    """`-itd`, `-p80:80`, `-v /a:/b`: switches until one takes a value."""
    word = words[index]
    text = word.text
    for position in range(1, len(text)):
        name = "-" + text[position]
        if name not in _RUN_VALUED:
            options.append((name, None, word))
            continue
        if position + 1 < len(text):
            offset = position + 1 + (text[position + 1] == "=")
            options.append((name, _Value(word, offset), word))
            return index + 1
        if index + 1 < len(words):
            options.append((name, _Value(words[index + 1], 0), word))
            return index + 2
        return index + 1
    return index + 1


def _workload(
    command: Command,
    facts: Facts,
    index: int,
    origin: str,
    depth: int,
    *,
    service: bool = False,
) -> None:
    """The workload a run/create command starts. With `service`, the word
    after the options names a compose service, whose image is not known
    here."""
    words = command.words
    verb = words[index]
    options, image_index = _options(words, index + 1)
    image = words[image_index] if image_index < len(words) else None
    workload = Workload(
        name=image.text if image is not None else verb.text,
        span=verb.span,
        origin=origin,
        image=None if service else image,
        extent=command.span,
    )

    for name, value, word in options:
        _apply(workload, name, value, word)

    facts.workloads.append(workload)
    if image is not None:
        _inner_commands(command, workload, image_index, options, facts, depth)


def _apply(workload: Workload, name: str, value: _Value | None, word: Word) -> None:
    if value is None:
        if name == "--privileged":
            workload.privileged = word.span
        elif name == "--use-api-socket":
            workload.mounts.append(_api_socket(word))
        return

    span = word.span if value.word is word else _through(word.span, value.word.span)
    text = value.text
    if name in ("-v", "--volume"):
        mount = _volume(value, span)
        if mount is not None:
            workload.mounts.append(mount)
    elif name == "--mount":
        mount = _mount_flag(value, span)
        if mount is not None:
            workload.mounts.append(mount)
    elif name == "--privileged":
        if truth.flag_on(text):
            workload.privileged = word.span
    elif name == "--name":
        workload.name = text
    elif name in ("-e", "--env"):
        workload.env.append(_env(value, span))
    elif name == "--group-add":
        workload.groups.append(_as_word(value))
    elif name in ("-p", "--publish"):
        workload.ports.append(_port(value, span))
    elif name in ("--network", "--net"):
        _network_option(workload, _as_word(value))
    elif name in ("-l", "--label", "--container-label"):
        key, _, label = text.partition("=")
        workload.labels[key] = label


def _network_option(workload: Workload, network: Word) -> None:
    if network.text in ("host", "none", "bridge") or network.text.startswith(
        "container:"
    ):
        workload.network_mode = network
    else:
        workload.networks.append(network)


def _inner_commands(
    command: Command,
    workload: Workload,
    image_index: int,
    options: list[tuple[str, _Value | None, Word]],
    facts: Facts,
    depth: int,
) -> None:
    """The command the container runs: the entrypoint (if given) and the
    arguments after the image, interpreted in turn (a dind image started
    with `dockerd -H tcp://...`)."""
    from sockelint.sources import shell

    argv = list(command.words[image_index + 1 :])
    entrypoint = [_as_word(v) for n, v, _ in options if n == "--entrypoint" and v]
    if entrypoint and entrypoint[-1].text:
        argv = [entrypoint[-1], *argv]
        workload.entrypoint_replaced = True
    if not argv:
        return

    for inner in shell.commands_from_argv(argv, runs_in=workload.name):
        workload.commands.append(inner)
        facts.commands.append(inner)
        interpret(inner, facts, depth + 1)


def _through(first: Span, last: Span) -> Span:
    """From `first` through `last`; just `first` when `last` was brought in
    from elsewhere (a make variable written earlier in the file)."""
    if (last.end_line, last.end_column) <= (first.line, first.column):
        return first
    return Span(first.path, first.line, first.column, last.end_line, last.end_column)


# --------------------------------------------------------------------------
# Mounts


def _volume(value: _Value, span: Span) -> Mount | None:
    """`-v host:container[:options]`; one path is an anonymous volume and a
    name is a named volume, neither a bind of the host."""
    text = value.text
    parts = _volume_parts(text)
    if len(parts) < 2:
        return Mount(
            _as_word(value), span, None, parts[0][1] if parts else None, kind="volume"
        )

    (host_start, host), (_, target) = parts[0], parts[1]
    options = parts[2] if len(parts) > 2 else None
    read_only = None
    if options is not None:
        read_only = _read_only_in(value, options)

    source = Word(host, value.part(host_start, host_start + len(host)), host)
    host_path = host if _is_host_path(host) else None
    return Mount(
        source, span, host_path, target, read_only, "bind" if host_path else "volume"
    )


def _volume_parts(text: str) -> list[tuple[int, str]]:
    """The colon-separated fields with their offsets; a Windows drive
    (`C:\\x`, `c:/x`) stays with its path."""
    fields: list[tuple[int, str]] = []
    start = 0
    for piece in text.split(":"):
        fields.append((start, piece))
        start += len(piece) + 1
    merged: list[tuple[int, str]] = []
    for offset, piece in fields:
        previous = merged[-1][1] if merged else ""
        if len(previous) == 1 and previous.isalpha() and piece[:1] in ("\\", "/"):
            merged[-1] = (merged[-1][0], previous + ":" + piece)
        else:
            merged.append((offset, piece))
    if len(merged) > 3:
        # `host:container:ro` is three fields; more colons belong to paths.
        merged = [
            merged[0],
            (merged[1][0], ":".join(p for _, p in merged[1:-1])),
            merged[-1],
        ]
    if len(merged) == 3 and not set(merged[2][1].split(",")) <= _VOLUME_OPTIONS:
        merged = [merged[0], (merged[1][0], merged[1][1] + ":" + merged[2][1])]
    return merged


def _read_only_in(value: _Value, options: tuple[int, str]) -> Span | None:
    start, text = options
    offset = start
    for option in text.split(","):
        if option in ("ro", "readonly"):
            return value.part(offset, offset + len(option))
        offset += len(option) + 1
    return None


def _is_host_path(host: str) -> bool:
    if not host:
        return False
    if host[0] in "/.~$\\":
        return True
    return len(host) >= 2 and host[1] == ":" and host[0].isalpha()


def _mount_flag(value: _Value, span: Span) -> Mount | None:
    """`--mount type=bind,source=...,target=...,readonly`: a bind, or a
    volume whose driver options bind a host directory."""
    fields = _csv_fields(value.text)
    keys: dict[str, tuple[int, str]] = {}
    read_only: Span | None = None
    for offset, field in fields:
        key, equals, item = field.partition("=")
        key = key.strip().lower()
        if key in ("readonly", "ro") and truth.flag_on(item if equals else None):
            read_only = value.part(offset, offset + len(field))
        elif key == "volume-opt":
            option, _, setting = item.partition("=")
            keys["opt:" + option] = (offset + len(key) + 1 + len(option) + 1, setting)
        else:
            keys[key] = (offset + len(key) + 1, item)

    kind = keys.get("type", (0, "volume"))[1].lower()
    source = keys.get("source") or keys.get("src")
    target = keys.get("target") or keys.get("destination") or keys.get("dst")
    if kind == "volume" and "bind" in keys.get("opt:o", (0, ""))[1].split(","):
        source, kind = keys.get("opt:device"), "volume-bind"
    elif kind == "bind":
        kind = "mount-flag"
    if source is None:
        return None

    start, host = source
    word = Word(host, value.part(start, start + len(host)), host)
    host_path = host if kind != "volume" else None
    return Mount(word, span, host_path, target[1] if target else None, read_only, kind)


def _csv_fields(text: str) -> list[tuple[int, str]]:
    """The comma-separated fields of a `--mount` value; a field may be in
    double quotes (the CLI reads it as CSV)."""
    fields: list[tuple[int, str]] = []
    start = 0
    quoted = False
    for index, char in enumerate(text + ","):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            fields.append((start, text[start:index].replace('"', "")))
            start = index + 1
    return fields


def _api_socket(word: Word) -> Mount:
    """`--use-api-socket` (Docker 28) mounts the engine socket itself."""
    socket = "/var/run/docker.sock"
    return Mount(
        Word(socket, word.span, word.raw), word.span, socket, socket, None, "api-socket"
    )


# --------------------------------------------------------------------------
# Environment, ports, networks


def _env(value: _Value, span: Span) -> EnvVar:
    text = value.text
    name, equals, setting = text.partition("=")
    value_span = value.part(len(name) + 1, len(text)) if equals else None
    return EnvVar(name, setting if equals else None, span, value_span)


def _port(value: _Value, span: Span) -> Port:
    """`[ip:][host:]container[/proto]`; the ip may be `[::1]`. The service
    long form is `published=8080,target=80,mode=host`."""
    text = value.text
    if "=" in text:
        pairs = dict(f.partition("=")[::2] for f in text.split(","))
        return Port(pairs.get("target", ""), pairs.get("published"), None, span)

    ip = None
    if text.startswith("["):
        ip, _, text = text[1:].partition("]")
        text = text.lstrip(":")
    parts = text.rsplit(":", 2) if ip is None else text.rsplit(":", 1)
    if len(parts) == 3:
        ip, host, container = parts
    elif len(parts) == 2:
        host, container = parts
    else:
        host, container = None, parts[0]
    return Port(container, host or None, ip or None, span)


def _network(command: Command, facts: Facts, index: int) -> None:
    """`docker network create --internal NAME`."""
    words = command.words
    internal = False
    name: Word | None = None
    while index < len(words):
        text = words[index].text
        option, equals, setting = text.partition("=")
        if option == "--internal":
            internal = truth.flag_on(setting if equals else None)
        elif text in (
            "-d",
            "--driver",
            "--subnet",
            "--gateway",
            "--ip-range",
            "-o",
            "--opt",
            "--label",
            "--scope",
            "--ipam-driver",
            "--aux-address",
            "--config-from",
            "--ipam-opt",
        ):
            index += 1
        elif not text.startswith("-"):
            name = words[index]
            break
        index += 1
    if name is not None:
        facts.networks[name.text] = Network(name.text, internal, name.span)


# --------------------------------------------------------------------------
# Clients from DOCKER_HOST (and Podman's CONTAINER_HOST)


def _env_clients(command: Command, facts: Facts) -> None:
    """`DOCKER_HOST=tcp://x docker ps`: the prefix points this command at an
    engine."""
    prefix = {w.text.partition("=")[0]: w for w in command.env}
    for name, docker_tls in endpoints.HOST_VARIABLES.items():
        host = prefix.get(name)
        if host is None:
            continue
        verify = prefix.get("DOCKER_TLS_VERIFY")
        verified = docker_tls and (
            truth.env_on(verify.text.partition("=")[2])
            if verify is not None
            else _script_verifies(command, facts)
        )
        _add_client(host, verified, f"{name} prefix", command, facts)


def _assignment_clients(command: Command, facts: Facts) -> None:
    for word in command.words:
        name = word.text.partition("=")[0]
        docker_tls = endpoints.HOST_VARIABLES.get(name)
        if docker_tls is not None and "=" in word.text:
            verified = docker_tls and _script_verifies(command, facts)
            _add_client(word, verified, f"{name} assignment", command, facts)


def _add_client(
    word: Word, verified: bool, origin: str, command: Command, facts: Facts
) -> None:
    name, _, host = word.text.partition("=")
    if not host:
        return
    value = _Value(word, len(name) + 1)
    endpoint = Word(host, value.part(0, len(host)), host)
    facts.clients.append(
        ClientEndpoint(endpoint, verified, origin, _workload_of(command))
    )


def _script_verifies(command: Command, facts: Facts) -> bool:
    """DOCKER_TLS_VERIFY set (not off) anywhere the command can see it."""
    for other in facts.commands:
        if other.runs_in != command.runs_in:
            continue
        words = [*other.env] if other is command else []
        if other.words and (
            other.words[0].text in _DECLARATIONS
            or argv.is_assignment(other.words[0].text)
        ):
            words += other.words
        for word in words:
            name, equals, setting = word.text.partition("=")
            if name == "DOCKER_TLS_VERIFY" and equals:
                return truth.env_on(setting)
    return False


def _workload_of(command: Command) -> str | None:
    return None if command.runs_in == "host" else command.runs_in
