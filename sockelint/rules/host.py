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

from sockelint import argv, sockets
from sockelint.finding import Finding, image_of
from sockelint.model import Command, Facts, SocketSetting, Word, Workload
from sockelint.roles import is_dind, is_socket_proxy
from sockelint.span import Span

_ROOT = {"root", "0", ""}
_DOCKER_SOCKET_VARIABLE = re.compile(r"\$\{?[A-Za-z_]*DOCKER_?SOCK", re.I)


def _is_socket(path: str) -> bool:
    """The engine socket, or a variable named after it that no source could
    resolve (`chmod 666 $DOCKER_SOCKET`)."""
    if sockets.classify(path) is sockets.HostPath.SOCKET:
        return True
    return "$" in path and bool(_DOCKER_SOCKET_VARIABLE.search(path))


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
    regrouped: set[str] = set()
    for command in facts.commands:
        name = argv.program(command.argv[0]) if command.words else ""
        if name in ("chgrp", "chown"):
            yield from _ownership(command, name, regrouped)
        elif name == "chmod":
            yield from _chmod(command, regrouped)
        elif name == "setfacl":
            yield from _setfacl(command)
    for setting in facts.socket_settings:
        yield from _socket_setting(setting)


def _ownership(
    command: Command, program: str, regrouped: set[str]
) -> Iterator[Finding]:
    operands = _operands(command.words[1:])
    if len(operands) < 2:
        return
    owner = operands[0].text
    user, _, group = owner.partition(":")
    if program == "chgrp":
        user, group = "", owner
    for path in operands[1:]:
        if not _is_socket(path.text):
            continue
        if group not in _ROOT:
            regrouped.add(sockets.normalise(path.text))
        if program == "chown" and user not in _ROOT:
            yield _permission_finding(
                command.span,
                f"`{' '.join(command.argv)}` gives the engine socket "
                f"`{path.text}` to `{user}`: that user can then drive the "
                "engine, which is root on the host.",
                path.text,
            )


def _chmod(command: Command, regrouped: set[str]) -> Iterator[Finding]:
    operands = _operands(command.words[1:])
    if len(operands) < 2:
        return
    mode = operands[0].text
    for path in operands[1:]:
        if not _is_socket(path.text):
            continue
        others = _grants_write(mode, "o")
        group = sockets.normalise(path.text) in regrouped
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


# The group the engine gives its socket: a mode that lets it write is the
# engine's own default, SL302's matter (who is in it), not SL301's.
_ENGINE_GROUPS = _ROOT | {"docker"}


def _socket_setting(setting: SocketSetting) -> Iterator[Finding]:
    """`SocketMode=0666` is `chmod 666` on the socket, done by the unit
    that creates it; `SocketGroup=ci` with a group-writable mode is `chgrp
    ci` then `chmod 660`."""
    if setting.mode is None or not re.fullmatch(r"[0-7]{3,4}", setting.mode.text):
        return
    mode, path = setting.mode.text, setting.path.text
    group = setting.group
    if _grants_write(mode, "o"):
        yield _permission_finding(
            setting.mode.span,
            f"`SocketMode={mode}` creates the engine socket `{path}` writable "
            "by every local user: whoever can write to it controls the "
            "engine, which is root on the host.",
            path,
        )
    elif (
        group is not None
        and group.text.lower() not in _ENGINE_GROUPS
        and _grants_write(mode, "g")
    ):
        yield _permission_finding(
            group.span,
            f"`SocketGroup={group.text}` with `SocketMode={mode}` creates the "
            f"engine socket `{path}` writable by every member of "
            f"`{group.text}`: whoever can write to it controls the engine, "
            "which is root on the host.",
            path,
        )


def _setfacl(command: Command) -> Iterator[Finding]:
    """`setfacl -m u:jenkins:rw SOCKET` hands the socket to a user as surely
    as `chown` does; `g:NAME:rw` and `o::rw` open it to a group or to all."""
    words = command.words[1:]
    grants: list[str] = []
    paths: list[Word] = []
    index = 0
    while index < len(words):
        name, equals, setting = words[index].text.partition("=")
        if name in ("-m", "--modify", "--set"):
            if equals:
                grants.append(setting)
            elif index + 1 < len(words):
                grants.append(words[index + 1].text)
                index += 1
        elif not name.startswith("-"):
            paths.append(words[index])
        index += 1

    granted = [who for spec in grants for who in _acl_writers(spec)]
    if not granted:
        return
    for path in paths:
        if _is_socket(path.text):
            yield _permission_finding(
                command.span,
                f"`{' '.join(command.argv)}` lets {', '.join(granted)} write "
                f"to the engine socket `{path.text}`: whoever can write to it "
                "controls the engine, which is root on the host.",
                path.text,
            )


def _acl_writers(spec: str) -> list[str]:
    """Who an ACL spec (`u:jenkins:rw,g:ci:rwx,o::rw`) gives write to, other
    than root; default entries (`d:`) only touch files created later."""
    writers: list[str] = []
    for entry in spec.split(","):
        fields = entry.strip().split(":")
        if len(fields) != 3 or "w" not in fields[2]:
            continue
        tag, qualifier = fields[0], fields[1]
        if tag in ("u", "user") and qualifier not in _ROOT:
            writers.append(f"`{qualifier}`")
        elif tag in ("g", "group") and qualifier not in _ROOT:
            writers.append(f"the group `{qualifier}`")
        elif tag in ("o", "other"):
            writers.append("every local user")
    return writers


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
    for command in facts.commands:
        grant = _group_grant(command)
        if grant is None or grant[0].span in seen:
            continue
        group, user = grant
        seen.add(group.span)
        who = f"`{user.text}` is" if user is not None else "A user is"
        yield _group_finding(
            group, f"{who} added to the `docker` group by `{' '.join(command.argv)}`"
        )

    for workload in facts.workloads:
        for group in workload.groups:
            if _is_docker_group(group.text) and group.span not in seen:
                seen.add(group.span)
                yield _group_finding(
                    group,
                    f"The workload `{workload.name}` joins the `docker` group "
                    f"(`--group-add {group.text}`)",
                    image_of(workload),
                )


# The word naming the docker group, and the user added to it when the
# command names one.
_Grant = tuple[Word, Word | None]


def _group_grant(command: Command) -> _Grant | None:
    """The docker group and the user in a command that adds a user to it."""
    if not command.words:
        return None
    program = argv.program(command.argv[0])
    args = command.words[1:]
    if program in ("usermod", "useradd"):
        return _group_option(args)
    if program == "gpasswd":
        return _gpasswd(args)
    if program in ("adduser", "addgroup"):
        return _adduser(args)
    return None


def _group_option(args: list[Word]) -> _Grant | None:
    """`-aG docker`, `-a -G docker`, `-G docker,wheel`, `--groups=docker`,
    `-g docker` (primary group); the user is the last argument."""
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
            return value, _last_user(args, value)
    return None


def _gpasswd(args: list[Word]) -> _Grant | None:
    """`gpasswd -a USER docker`, `--add`, `-M a,b docker`."""
    if not args or not _is_docker_group(args[-1].text):
        return None
    for index, word in enumerate(args[:-2]):
        if word.text in ("-a", "--add", "-M", "--members"):
            return args[-1], args[index + 1]
    return None


# Options of Debian's and BusyBox's adduser/addgroup that take a value.
_ADDUSER_VALUED = re.compile(
    r"--(home|shell|uid|gid|ingroup|gecos|comment|conf|(first|last)(uid|gid))"
    r"|-[A-Za-z]*[hgsGku]"
)


def _adduser(args: list[Word]) -> _Grant | None:
    """`adduser USER docker`, `addgroup USER docker`, Debian's
    `adduser --ingroup docker USER`, BusyBox's `adduser -S -G docker USER`
    (BusyBox's `-G` names the group; `-h`, `-g`, `-s`, `-k`, `-u` take a
    value that is not the user)."""
    positional: list[Word] = []
    index = 0
    while index < len(args):
        word = args[index]
        text = word.text
        group = _adduser_group(args, index)
        if group is not None and _lists_docker(group.text):
            return group, _last_user(args, group)
        if text.startswith("-") and text != "-":
            index += 2 if _ADDUSER_VALUED.fullmatch(text) else 1
            continue
        positional.append(word)
        index += 1

    if len(positional) == 2 and _is_docker_group(positional[1].text):
        return positional[1], positional[0]
    return None


def _adduser_group(args: list[Word], index: int) -> Word | None:
    """The group named by the option at `index`: `--ingroup G`,
    `--ingroup=G`, `-G G`, `-SG G`, `-GG`."""
    word = args[index]
    text = word.text
    if text == "--ingroup" or re.fullmatch(r"-[A-Za-z]*G", text):
        return args[index + 1] if index + 1 < len(args) else None
    if text.startswith("--ingroup="):
        return Word(text.partition("=")[2], word.span)
    match = re.fullmatch(r"-[A-Za-z]*?G(?P<group>[^\s-].*)", text)
    if match and not text.startswith("--"):
        return Word(match.group("group"), word.span)
    return None


def _last_user(args: list[Word], group: Word) -> Word | None:
    """The user a group option applies to: the last argument, when it is
    neither an option nor the group itself."""
    if not args or args[-1] is group or args[-1].text.startswith("-"):
        return None
    return args[-1]


def _lists_docker(groups: str) -> bool:
    return any(_is_docker_group(g) for g in groups.split(","))


def _is_docker_group(text: str) -> bool:
    text = text.strip().strip("'\"")
    if text.lower() == "docker":
        return True
    # `--group-add $(stat -c %g /var/run/docker.sock)`, `${DOCKER_GID}`
    return bool(re.search(r"docker[_-]?(gid|group)|docker\.sock", text, re.I))


def _group_finding(word: Word, grant: str, image: str = "") -> Finding:
    return Finding(
        "SL302",
        word.span,
        f"{grant}: members of that group can drive the engine without sudo, "
        "which is root on the host.",
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
