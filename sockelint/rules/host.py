"""SL301-SL303: the engine opened up on the host, or to a privileged container.

A socket made writable by others (SL301) or a user put in the `docker`
group (SL302) hands out root on the host as surely as a mount does. A
privileged container that also runs or reaches an engine (SL303) turns a
container escape from hard into trivial. Privileged alone is never a
finding here: general hardening is other scanners' work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sockelint import dockerd, sockets
from sockelint.finding import Finding, image_of
from sockelint.model import Command, Facts, Word, Workload
from sockelint.proxies import is_socket_proxy
from sockelint.rules.daemon import is_dind
from sockelint.span import Span

_SHELLS = {"sh", "bash", "dash", "ash", "zsh", "ksh", "su"}
_ROOT = {"root", "0", ""}
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$", re.S)
_DOCKER_SOCKET_VARIABLE = re.compile(r"\$\{?[A-Za-z_]*DOCKER_?SOCK", re.I)


def host_commands(facts: Facts) -> list[Command]:
    """Every command, with the ones nested in `bash -c '…'`, `su -c '…'`
    and `ansible -a '…'` strings taken out as commands of their own."""
    commands: list[Command] = []
    for command in facts.commands:
        commands.append(command)
        commands += _nested(command, depth=0)
    return commands


def _nested(command: Command, depth: int) -> list[Command]:
    if depth > 3:
        return []
    found: list[Command] = []
    for script in _script_words(command.words):
        excerpt = dockerd.excerpt_of(script)
        for words in dockerd.commands_in(script.text, excerpt):
            words = _without_sudo(words)
            if not words:
                continue
            span = words[0].span.cover(words[-1].span)
            inner = Command(words, span, command.runs_in)
            found += [inner, *_nested(inner, depth + 1)]
    return found


def _script_words(words: list[Word]) -> list[Word]:
    """The string argument of `-c` after a shell, or of ansible's `-a`."""
    scripts: list[Word] = []
    shell_seen = False
    ansible = bool(words) and _program(words[0].text).startswith("ansible")
    for index, word in enumerate(words[:-1]):
        shell_seen = shell_seen or _program(word.text) in _SHELLS
        shell_script = shell_seen and re.fullmatch(r"-[a-z]*c", word.text)
        if shell_script or (ansible and word.text in ("-a", "--args")):
            scripts.append(words[index + 1])
    return scripts


def _without_sudo(words: list[Word]) -> list[Word]:
    while words and _program(words[0].text) in ("sudo", "doas", "exec", "command"):
        words = words[1:]
        while words and words[0].text.startswith("-"):
            words = words[1:]
    return words


def _program(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _variables(commands: list[Command]) -> dict[str, str]:
    """Plain assignments (`SOCK=/var/run/docker.sock`, `export SOCK=…`)."""
    variables: dict[str, str] = {}
    for command in commands:
        words = command.argv
        if words and words[0] in ("export", "readonly", "declare", "local"):
            words = [w for w in words[1:] if not w.startswith("-")]
        for word in words:
            match = _ASSIGNMENT.match(word)
            if not match:
                break
            variables[match.group("name")] = match.group("value")
    return variables


def _is_socket(path: str, variables: dict[str, str]) -> bool:
    if sockets.classify(path, variables) is sockets.HostPath.SOCKET:
        return True
    expanded = sockets.expand(path, variables)
    return "$" in expanded and bool(_DOCKER_SOCKET_VARIABLE.search(path))


def _operands(words: list[Word]) -> list[Word]:
    """Arguments that are not options (`-R`, `--verbose`, `--reference=x`)."""
    out: list[Word] = []
    for word in words:
        if word.text.startswith("-") and not re.fullmatch(r"-[rwxXst]+", word.text):
            continue
        out.append(word)
    return out


# SL301 ---------------------------------------------------------------------


def check_socket_permissions(facts: Facts) -> Iterator[Finding]:
    commands = host_commands(facts)
    variables = _variables(commands)
    regrouped: set[str] = set()
    for command in commands:
        program = _program(command.argv[0]) if command.words else ""
        if program in ("chgrp", "chown"):
            yield from _ownership(command, program, variables, regrouped)
        elif program == "chmod":
            yield from _chmod(command, variables, regrouped)


def _ownership(
    command: Command, program: str, variables: dict[str, str], regrouped: set[str]
) -> Iterator[Finding]:
    operands = _operands(command.words[1:])
    if len(operands) < 2:
        return
    owner = operands[0].text
    user, _, group = owner.partition(":")
    if program == "chgrp":
        user, group = "", owner
    for path in operands[1:]:
        if not _is_socket(path.text, variables):
            continue
        if group not in _ROOT:
            regrouped.add(sockets.normalise(path.text, variables))
        if program == "chown" and user not in _ROOT:
            yield _permission_finding(
                command.span,
                f"`{' '.join(command.argv)}` gives the engine socket "
                f"`{path.text}` to `{user}`: that user can then drive the "
                "engine, which is root on the host.",
                path.text,
            )


def _chmod(
    command: Command, variables: dict[str, str], regrouped: set[str]
) -> Iterator[Finding]:
    operands = _operands(command.words[1:])
    if len(operands) < 2:
        return
    mode = operands[0].text
    for path in operands[1:]:
        if not _is_socket(path.text, variables):
            continue
        others = _grants_write(mode, "o")
        group = sockets.normalise(path.text, variables) in regrouped
        if not others and not (group and _grants_write(mode, "g")):
            continue
        who = "every local user" if others else "every member of its new group"
        yield _permission_finding(
            command.span,
            f"`chmod {mode}` opens the engine socket `{path.text}` to {who}: "
            "whoever can write to it controls the engine, which is root on "
            "the host.",
            path.text,
        )


def _grants_write(mode: str, who: str) -> bool:
    """Whether a chmod mode gives write to `o` (others) or `g` (group)."""
    if re.fullmatch(r"[0-7]{3,4}", mode):
        digit = mode[-1] if who == "o" else mode[-2]
        return bool(int(digit) & 2)
    for clause in mode.split(","):
        match = re.fullmatch(r"(?P<who>[ugoa]*)(?P<op>[+=])(?P<perm>[rwxXst]*)", clause)
        if not match or "w" not in match.group("perm"):
            continue
        whom = match.group("who") or "a"
        if who in whom or "a" in whom:
            return True
    return False


def _permission_finding(span: Span, message: str, path: str) -> Finding:
    return Finding(
        "SL301",
        span,
        message,
        "Leave the socket `root:docker` with mode 0660 as the engine creates "
        "it; give a tool that must read container state a socket proxy "
        "instead, or run the engine rootless for that user.",
        sockets.normalise(path),
    )


# SL302 ---------------------------------------------------------------------


def check_docker_group_grant(facts: Facts) -> Iterator[Finding]:
    seen: set[Span] = set()
    for command in host_commands(facts):
        word = _group_grant(command)
        if word is not None and word.span not in seen:
            seen.add(word.span)
            yield _group_finding(word, f"`{' '.join(command.argv)}`")
    for workload in facts.workloads:
        for group in workload.groups:
            if _is_docker_group(group.text) and group.span not in seen:
                seen.add(group.span)
                yield _group_finding(
                    group, f"workload `{workload.name}`", image_of(workload)
                )


def _group_grant(command: Command) -> Word | None:
    """The word naming the docker group in a command that adds a user to it."""
    if not command.words:
        return None
    program = _program(command.argv[0])
    args = command.words[1:]
    if program in ("usermod", "useradd"):
        return _group_option(args)
    if program == "gpasswd":
        return _gpasswd(args)
    if program in ("adduser", "addgroup"):
        return _adduser(args)
    return None


def _group_option(args: list[Word]) -> Word | None:
    """`-aG docker`, `-a -G docker`, `-G docker,wheel`, `--groups=docker`,
    `-g docker` (primary group)."""
    for index, word in enumerate(args):
        text = word.text
        value: Word | None = None
        takes_next = re.fullmatch(r"-[a-zA-Z]*[Gg]", text) or text in (
            "--groups",
            "--gid",
        )
        if takes_next and index + 1 < len(args):
            value = args[index + 1]
        elif text.startswith(("--groups=", "--gid=")):
            value = Word(text.split("=", 1)[1], word.span)
        elif re.fullmatch(r"-[a-zA-Z]*[Gg][^\s-]+", text):
            value = Word(re.sub(r"^-[a-zA-Z]*?[Gg]", "", text, count=1), word.span)
        if value is not None and _lists_docker(value.text):
            return value
    return None


def _gpasswd(args: list[Word]) -> Word | None:
    """`gpasswd -a USER docker`, `--add`, `-M a,b docker`."""
    texts = [w.text for w in args]
    if not any(t in ("-a", "--add", "-M", "--members") for t in texts):
        return None
    if args and _is_docker_group(args[-1].text):
        return args[-1]
    return None


def _adduser(args: list[Word]) -> Word | None:
    """`adduser USER docker`, `addgroup USER docker`, `adduser --ingroup docker`."""
    for index, word in enumerate(args[:-1]):
        if word.text == "--ingroup" and _is_docker_group(args[index + 1].text):
            return args[index + 1]
    positional = [w for w in args if not w.text.startswith("-")]
    if len(positional) == 2 and _is_docker_group(positional[1].text):
        return positional[1]
    return None


def _lists_docker(groups: str) -> bool:
    return any(_is_docker_group(g) for g in groups.split(","))


def _is_docker_group(text: str) -> bool:
    text = text.strip().strip("'\"")
    if text.lower() == "docker":
        return True
    # `--group-add $(stat -c %g /var/run/docker.sock)`, `${DOCKER_GID}`
    return bool(re.search(r"docker[_-]?(gid|group)|docker\.sock", text, re.I))


def _group_finding(word: Word, who: str, image: str = "") -> Finding:
    return Finding(
        "SL302",
        word.span,
        f"{who} adds a member to the `docker` group (`{word.text}`): members "
        "can drive the engine without sudo, which is root on the host.",
        "Use rootless Docker or Podman for users; for a container that only "
        "reads container state, a socket proxy with read-only flags; keep the "
        "`docker` group for administrators who already have root.",
        word.text,
        image,
    )


# SL303 ---------------------------------------------------------------------


def check_privileged_engine(facts: Facts) -> Iterator[Finding]:
    seen: set[Span] = set()
    for workload in facts.workloads:
        if workload.privileged is None or workload.privileged in seen:
            continue
        reason = _engine_access(workload)
        if reason is None:
            continue
        seen.add(workload.privileged)
        yield Finding(
            "SL303",
            workload.privileged,
            f"`{workload.name}` is privileged and {reason}: a privileged "
            "container escapes to the host at will, so anyone who reaches "
            "that engine or breaks into the container is root on the host.",
            _privileged_advice(workload),
            f"{workload.name}|{reason}",
            image_of(workload),
        )


def _engine_access(workload: Workload) -> str | None:
    if is_socket_proxy(workload):
        return "is a socket proxy holding the engine socket"
    if is_dind(workload):
        return "runs a docker-in-docker engine"
    for mount in workload.mounts:
        what = _mount_kind(mount.host_path, mount.target)
        if what is sockets.HostPath.SOCKET:
            return f"holds the engine socket `{mount.source.text}`"
        if what is sockets.HostPath.SOCKET_DIR:
            return f"holds `{mount.source.text}`, which contains the engine socket"
        if what is sockets.HostPath.ROOT:
            return "holds the host's `/`"
    return None


def _mount_kind(host_path: str | None, target: str | None) -> sockets.HostPath:
    if host_path is None:
        return sockets.HostPath.OTHER
    what = sockets.classify(host_path)
    unresolved = what is sockets.HostPath.OTHER and sockets.is_unresolved(host_path)
    if unresolved and target and sockets.classify(target) is sockets.HostPath.SOCKET:
        return sockets.HostPath.SOCKET
    return what


def _privileged_advice(workload: Workload) -> str:
    if is_socket_proxy(workload):
        return "A socket proxy does not need `privileged`; remove it."
    if is_dind(workload):
        return (
            "Build without a privileged daemon: Buildah or rootless BuildKit, "
            "or a Sysbox runtime for nested containers."
        )
    return (
        "Remove `privileged`, and the engine access if the workload can do without it."
    )
