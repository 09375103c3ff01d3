"""Ansible playbooks and task files: the tasks that start containers, run
commands and configure the engine on the hosts they manage.

Each task is read by its module (short or fully qualified name), with its
arguments written as a mapping or as `key=value` words:

- `docker_container` / `podman_container`: a workload (volumes, mounts,
  privileged, env, groups, ports, networks, command), and the module's own
  connection (`docker_host` without `validate_certs`) as a client;
- `shell`, `command`, `raw` (`cmd:`, `argv:` and the free form): the shell
  source, positions mapped back;
- `copy` with `content:`: the written file read by what its `dest` is (a
  daemon config, a script, a compose file);
- `lineinfile` / `blockinfile` into a daemon config: that text, written;
- `file` on an engine socket: its `mode`, `owner` and `group`, read as
  chmod, chown and chgrp would be;
- `user` with `groups:` / `group:` docker: a docker group grant;
- `docker_compose_v2` with an inline `definition`: the compose source;
- `docker_network` with `internal`: the network a proxy may sit on.

Jinja expressions are unknown values: `{{ name }}` becomes `${name}` (its
value when a `vars:` block of the play or task gives a literal one) and
`{{ name | default('x') }}` becomes `${name:-x}`, so paths are judged the
way `${VAR:-default}` is in compose. Roles, includes and inventory
variables are not followed. https://docs.ansible.com/ansible/latest/
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sockelint import truth, yamlnodes
from sockelint.document import Document
from sockelint.model import (
    ClientEndpoint,
    Command,
    EnvVar,
    Facts,
    Mount,
    Network,
    Word,
    Workload,
)
from sockelint.sources import ci_common, written_files
from sockelint.sources.ci_common import Yaml
from sockelint.span import Span
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

_COLLECTIONS = (
    "ansible.builtin.",
    "ansible.legacy.",
    "ansible.posix.",
    "community.docker.",
    "community.general.",
    "containers.podman.",
)
_CONTAINERS = frozenset({"docker_container", "podman_container"})
_SHELLS = frozenset({"shell", "command", "raw"})
_WRITERS = frozenset({"copy", "lineinfile", "blockinfile"})
_MODULES = (
    _CONTAINERS
    | _SHELLS
    | _WRITERS
    | {
        "file",
        "user",
        "docker_compose_v2",
        "docker_compose",
        "docker_network",
    }
)
# Keys of a task that are not its module.
_TASK_KEYS = frozenset(
    {
        "name",
        "args",
        "vars",
        "environment",
        "when",
        "become",
        "become_user",
        "register",
        "tags",
        "notify",
        "loop",
        "with_items",
        "block",
        "rescue",
        "always",
    }
)
_TASK_LISTS = ("pre_tasks", "tasks", "post_tasks", "handlers")
_BLOCKS = ("block", "rescue", "always")
_MAX_BLOCK_DEPTH = 20
_MAX_VAR_DEPTH = 4
_JINJA = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFAULT = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*\|\s*(?:default|d)\(\s*"
    r"(?P<q>['\"])(?P<value>[^'\"]*)(?P=q)\s*(?:,[^)]*)?\)"
)
# Groups an engine gives its socket itself: `group: docker` changes nothing.
_ENGINE_GROUPS = frozenset({"docker", "root", "0"})
# Group options of the `user` module: supplementary groups, primary group.
_USER_GROUPS = (("groups", "-aG"), ("group", "-g"))


@dataclass(frozen=True, slots=True)
class _Arg:
    """A module argument: a mapping entry (`node`) or a `key=value` word."""

    key: Span
    node: Node | None = None
    word: Word | None = None


@dataclass(slots=True)
class _Scope:
    """What a task inherits from its play and blocks."""

    variables: dict[str, str] = field(default_factory=dict)
    env: list[EnvVar] = field(default_factory=list)


@dataclass(slots=True)
class _Reader:
    yaml: Yaml
    facts: Facts
    # Plays and tasks already read: an alias shares one node, and blocks
    # of aliases of blocks would otherwise be read exponentially often.
    seen: set[int] = field(default_factory=set)

    def first_time(self, node: Node) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    @property
    def path(self) -> str:
        return self.yaml.path


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    roots, problems = yamlnodes.documents(document.text, document.path)
    facts.problems += problems

    reader = _Reader(Yaml(document), facts)
    for root in roots:
        for item in yamlnodes.sequence(root):
            if not isinstance(item, MappingNode):
                continue
            if _is_play(item):
                _play(reader, item)
            else:
                _task(reader, item, _Scope(), 0)
    return facts


def _is_play(node: MappingNode) -> bool:
    keys = {str(key.value) for key, _ in yamlnodes.items(node)}
    return "hosts" in keys or any(key in keys for key in _TASK_LISTS[:3])


def _play(reader: _Reader, play: MappingNode) -> None:
    if not reader.first_time(play):
        return
    scope = _within(reader, play, _Scope())
    for name in _TASK_LISTS:
        for task in yamlnodes.sequence(yamlnodes.get(play, name)):
            if isinstance(task, MappingNode):
                _task(reader, task, scope, 0)


def _within(reader: _Reader, node: MappingNode, outer: _Scope) -> _Scope:
    """The scope inside a play, block or task: its `vars` and its
    `environment`, whose DOCKER_HOST is a client where it is written."""
    variables = dict(outer.variables)
    for key, value in yamlnodes.items(yamlnodes.get(node, "vars")):
        text = yamlnodes.scalar(value)
        if text is not None and isinstance(value, ScalarNode):
            variables[str(key.value)] = text
    environment = yamlnodes.get(node, "environment")
    env = ci_common.environment(reader.yaml, environment)
    reader.facts.clients += ci_common.clients_of(env, "Ansible task environment")
    return _Scope(variables, outer.env + env)


def _task(reader: _Reader, task: MappingNode, outer: _Scope, depth: int) -> None:
    if not reader.first_time(task):
        return
    scope = _within(reader, task, outer)
    if depth < _MAX_BLOCK_DEPTH:
        for name in _BLOCKS:
            for inner in yamlnodes.sequence(yamlnodes.get(task, name)):
                if isinstance(inner, MappingNode):
                    _task(reader, inner, scope, depth + 1)

    found = _module(task)
    if found is None:
        return
    module, key, value = found
    arguments = _arguments(reader, value, module)
    for extra_key, extra in yamlnodes.items(yamlnodes.get(task, "args")):
        arguments[str(extra_key.value)] = _Arg(
            yamlnodes.span(extra_key, reader.path), extra
        )
    if _text(arguments.get("state")) == "absent" and module not in _SHELLS:
        # A container, line, file or user taken away: the fix, not the
        # problem (`lineinfile` removing `-H tcp://...`).
        return
    keyword = Word(module, yamlnodes.span(key, reader.path), str(key.value))
    _MODULE_READERS[_family(module)](reader, keyword, value, arguments, scope)


def _module(task: MappingNode) -> tuple[str, ScalarNode, Node] | None:
    """The task's module among those read here, by short name."""
    for key, value in yamlnodes.items(task):
        name = str(key.value)
        if name in _TASK_KEYS:
            continue
        short = _short(name)
        if short in _MODULES or short.startswith("docker_"):
            return short, key, value
    return None


def _short(name: str) -> str:
    for prefix in _COLLECTIONS:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _family(module: str) -> str:
    if module in _CONTAINERS:
        return "container"
    if module in _SHELLS:
        return "shell"
    if module in _WRITERS:
        return "writer"
    if module.startswith("docker_compose"):
        return "compose"
    if module in _MODULES:
        return module
    return "docker"


# --------------------------------------------------------------------------
# Arguments


def _arguments(reader: _Reader, node: Node, module: str) -> dict[str, _Arg]:
    """A mapping's entries, or the `key=value` words of the free form (a
    shell module's free form is its command, not arguments)."""
    arguments: dict[str, _Arg] = {}
    if isinstance(node, MappingNode):
        for key, value in yamlnodes.items(node):
            arguments[str(key.value)] = _Arg(yamlnodes.span(key, reader.path), value)
        return arguments
    if module in _SHELLS or not isinstance(node, ScalarNode) or "=" not in node.value:
        return arguments

    from sockelint.sources import shell

    for word in shell.words_of(reader.yaml.excerpt(node)):
        name, equals, text = word.text.partition("=")
        if not equals or not _NAME.fullmatch(name):
            continue
        span = word.part(len(name) + 1, len(word.text))
        arguments[name] = _Arg(word.part(0, len(name)), word=Word(text, span, text))
    return arguments


def _first(arguments: dict[str, _Arg], *names: str) -> _Arg | None:
    for name in names:
        if name in arguments:
            return arguments[name]
    return None


def _text(arg: _Arg | None) -> str | None:
    if arg is None:
        return None
    if arg.word is not None:
        return arg.word.text
    if isinstance(arg.node, ScalarNode) and not yamlnodes.is_null(arg.node):
        return str(arg.node.value)
    return None


def _word(reader: _Reader, arg: _Arg | None, scope: _Scope) -> Word | None:
    """The argument's scalar value, Jinja resolved as far as known."""
    if arg is None:
        return None
    if arg.word is not None:
        return _resolved(arg.word, scope)
    if isinstance(arg.node, ScalarNode) and not yamlnodes.is_null(arg.node):
        return _resolved(reader.yaml.word(arg.node), scope)
    return None


def _words(reader: _Reader, arg: _Arg | None, scope: _Scope) -> list[Word]:
    """A list argument's scalar items; a single scalar is a list of one."""
    if arg is None:
        return []
    if isinstance(arg.node, SequenceNode):
        return [
            _resolved(reader.yaml.word(item), scope)
            for item in arg.node.value
            if isinstance(item, ScalarNode)
        ]
    single = _word(reader, arg, scope)
    return [single] if single is not None else []


def _pair(reader: _Reader, arg: _Arg) -> Span:
    """The `key: value` (or `key=value`) of an argument."""
    if arg.word is not None:
        return arg.key.cover(arg.word.span)
    if arg.node is None or yamlnodes.is_null(arg.node):
        return arg.key
    return arg.key.cover(yamlnodes.span(arg.node, reader.path))


def _true(arg: _Arg | None) -> bool:
    text = _text(arg)
    return text is not None and (truth.yaml_true(text) or text.strip() == "1")


def _resolved(word: Word, scope: _Scope) -> Word:
    if "{{" not in word.text:
        return word
    text = resolve(word.text, scope.variables)
    return Word(text, word.span, word.raw or word.text)


def resolve(text: str, variables: dict[str, str], depth: int = 0) -> str:
    """Jinja expressions as shell-style variables: a literal value known
    from `vars`, `${name:-default}` for a `default()` filter, `${name}` for
    a plain name, `${jinja}` for anything else."""

    def replace(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        default = _DEFAULT.fullmatch(expression)
        name = default.group("name") if default else expression
        if name in variables and depth < _MAX_VAR_DEPTH:
            return resolve(variables[name], variables, depth + 1)
        if default and _NAME.fullmatch(name):
            return "${" + name + ":-" + default.group("value") + "}"
        if _NAME.fullmatch(name):
            return "${" + name + "}"
        return "${jinja}"

    return _JINJA.sub(replace, text)


# --------------------------------------------------------------------------
# Modules


def _container(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """`docker_container` and `podman_container`: one workload."""
    yaml = reader.yaml
    name = _word(reader, arguments.get("name"), scope)
    declaration = name.span if name is not None else keyword.span
    workload = Workload(
        name.text if name is not None else keyword.text,
        declaration,
        f"Ansible {keyword.text} task",
        image=_word(reader, arguments.get("image"), scope),
        extent=keyword.span.cover(yamlnodes.extent(node, reader.path)),
    )

    privileged = arguments.get("privileged")
    if privileged is not None and _true(privileged):
        workload.privileged = _pair(reader, privileged)
    env = arguments.get("env")
    if env is not None and env.node is not None:
        workload.env += ci_common.environment(yaml, env.node)
    for group in ("groups", "group_add"):
        workload.groups += _words(reader, arguments.get(group), scope)
    _networks(reader, workload, arguments, scope)

    volumes = _first(arguments, "volumes", "volume")
    ports = _first(arguments, "published_ports", "ports", "publish", "published")
    flags = ci_common.flag_pairs("-v", _words(reader, volumes, scope))
    flags += ci_common.flag_pairs("-p", _words(reader, ports, scope))
    mounts = _first(arguments, "mounts", "mount")
    if mounts is not None and isinstance(mounts.node, SequenceNode):
        strings = [m for m in mounts.node.value if isinstance(m, ScalarNode)]
        flags += ci_common.flag_pairs(
            "--mount", [_resolved(yaml.word(m), scope) for m in strings]
        )
        for item in mounts.node.value:
            mount = _mount(reader, item, scope)
            if mount is not None:
                workload.mounts.append(mount)
    ci_common.apply_flags(workload, flags)

    _container_command(reader, workload, arguments, scope)
    reader.facts.workloads.append(workload)
    _connection(reader, keyword, arguments, scope)


def _networks(
    reader: _Reader, workload: Workload, arguments: dict[str, _Arg], scope: _Scope
) -> None:
    """`network_mode` (docker), `network` (podman, a name or a list) and
    `networks` (docker, a list of mappings with `name`)."""
    mode = _first(arguments, "network_mode", "network", "net")
    if mode is not None and isinstance(mode.node, SequenceNode):
        workload.networks += _words(reader, mode, scope)
    elif mode is not None:
        workload.network_mode = _word(reader, mode, scope)
    networks = arguments.get("networks")
    for item in yamlnodes.sequence(networks.node if networks else None):
        named = yamlnodes.get(item, "name") if isinstance(item, MappingNode) else item
        if isinstance(named, ScalarNode):
            workload.networks.append(_resolved(reader.yaml.word(named), scope))


def _mount(reader: _Reader, item: Node, scope: _Scope) -> Mount | None:
    """A `mounts` entry of docker_container: `source`, `target`, `type`
    (`volume` unless written), `read_only`. Only binds come from the host."""
    if not isinstance(item, MappingNode):
        return None
    source = yamlnodes.get(item, "source")
    if not isinstance(source, ScalarNode) or not str(source.value):
        return None
    word = _resolved(reader.yaml.word(source), scope)
    kind = yamlnodes.scalar(yamlnodes.get(item, "type")) or "volume"
    if kind not in ("bind", "npipe"):
        return None
    from sockelint import sockets

    read_only = None
    for key, value in yamlnodes.items(item):
        if key.value == "read_only" and truth.yaml_true(yamlnodes.scalar(value)):
            read_only = yamlnodes.span(key, reader.path).cover(
                yamlnodes.span(value, reader.path)
            )
    target = yamlnodes.scalar(yamlnodes.get(item, "target"))
    host_path = sockets.normalise(word.text)
    return Mount(word, word.span, host_path, target, read_only, "bind")


def _container_command(
    reader: _Reader, workload: Workload, arguments: dict[str, _Arg], scope: _Scope
) -> None:
    """`entrypoint` and `command`: a string is split as a shell would, a
    list is the argv."""
    from sockelint.sources import shell

    argv: list[Word] = []
    for name in ("entrypoint", "command"):
        arg = arguments.get(name)
        if arg is None or arg.node is None:
            continue
        if isinstance(arg.node, SequenceNode):
            argv += _words(reader, arg, scope)
        elif isinstance(arg.node, ScalarNode) and str(arg.node.value).strip():
            argv += shell.words_of(reader.yaml.excerpt(arg.node))
    if argv:
        commands = shell.commands_from_argv(argv, runs_in=workload.name)
        ci_common.add_commands(reader.facts, commands, workload)


def _connection(
    reader: _Reader, keyword: Word, arguments: dict[str, _Arg], scope: _Scope
) -> None:
    """A community.docker module's own engine connection: `docker_host`
    verified only with `validate_certs` (or `tls_verify`), or with
    DOCKER_TLS_VERIFY in the task's environment."""
    host = _word(reader, _first(arguments, "docker_host", "docker_url"), scope)
    if host is None:
        return
    verify = _first(arguments, "validate_certs", "tls_verify")
    if verify is not None:
        verified = _true(verify)
    else:
        setting = next(
            (v for v in reversed(scope.env) if v.name == "DOCKER_TLS_VERIFY"), None
        )
        verified = setting is not None and truth.env_on(setting.value)
    origin = f"Ansible {keyword.text} `docker_host`"
    reader.facts.clients.append(ClientEndpoint(host, verified, origin))


def _shell(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """The free form, `cmd:` or `argv:`."""
    from sockelint.sources import shell

    variables = {**scope.variables, **ci_common.variables_of(scope.env)}
    script: Node | None = node if isinstance(node, ScalarNode) else None
    cmd = arguments.get("cmd")
    if cmd is not None and cmd.node is not None:
        script = cmd.node
    if script is not None:
        commands = ci_common.scripts(reader.yaml, script, variables=variables)
        ci_common.add_commands(reader.facts, commands)
    argv = _words(reader, arguments.get("argv"), scope)
    if argv:
        ci_common.add_commands(
            reader.facts, shell.commands_from_argv(argv, runs_in="host")
        )


def _writer(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """`copy` with `content`, `lineinfile` with `line`, `blockinfile` with
    `block`: text written at `dest` (or `path`)."""
    target = _word(reader, _first(arguments, "dest", "path", "name"), scope)
    if target is None:
        return
    text = _first(arguments, "content", "line", "block")
    if text is None:
        return
    content = text.node
    if content is None and text.word is not None:
        # `line=...` in the free form: a word, not a node.
        reader.facts.commands.append(
            Command([keyword, target], keyword.span, writes={target.text: text.word})
        )
        return
    if content is not None:
        written_files.written(reader.yaml, keyword, target, content, reader.facts)


def _file(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """`file` on a path: `owner`, `group` and `mode` as chown, chgrp and
    chmod would set them (in that order, so a new group is known when the
    mode is judged)."""
    path = _word(reader, _first(arguments, "path", "dest", "name"), scope)
    if path is None:
        return
    for name, program in (("owner", "chown"), ("group", "chgrp"), ("mode", "chmod")):
        arg = arguments.get(name)
        value = _word(reader, arg, scope)
        if arg is None or value is None:
            continue
        if program == "chgrp" and value.text in _ENGINE_GROUPS:
            continue  # the group the engine gives its socket itself
        span = _pair(reader, arg)
        program_word = Word(program, keyword.span, "")
        reader.facts.commands.append(Command([program_word, value, path], span))


def _user(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """`groups: docker` (a list, or names separated by commas) or
    `group: docker`: the user joins the group, whether `append` is set or
    the user's groups are replaced."""
    user = _word(reader, _first(arguments, "name", "user"), scope)
    for name, flag in _USER_GROUPS:
        for group in _group_words(reader, arguments.get(name), scope):
            words = [Word("usermod", keyword.span, ""), Word(flag, keyword.span, "")]
            words += [group] + ([user] if user is not None else [])
            reader.facts.commands.append(Command(words, group.span))


def _group_words(reader: _Reader, arg: _Arg | None, scope: _Scope) -> list[Word]:
    """Each group named, placed on its own name in a comma list."""
    return [item for word in _words(reader, arg, scope) for item in word.items()]


def _compose(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """`docker_compose_v2` (and the old `docker_compose`) with the project
    written inline in `definition`."""
    definition = arguments.get("definition")
    if definition is not None and definition.node is not None:
        document = written_files.embedded_document(
            reader.yaml, definition.node, "compose"
        )
        if document is not None:
            from sockelint.sources import compose

            found = compose.parse(document)
            found.problems = []
            reader.facts.extend(found)
    _connection(reader, keyword, arguments, scope)


def _network(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """`docker_network` with `internal`: a network a proxy may join."""
    name = _word(reader, arguments.get("name"), scope)
    if name is not None:
        internal = _true(arguments.get("internal"))
        reader.facts.networks[name.text] = Network(name.text, internal, name.span)
    _connection(reader, keyword, arguments, scope)


def _docker(
    reader: _Reader,
    keyword: Word,
    node: Node,
    arguments: dict[str, _Arg],
    scope: _Scope,
) -> None:
    """Any other community.docker module (`docker_image`, `docker_prune`,
    `docker_swarm_service`, ...): only where it connects is read."""
    _connection(reader, keyword, arguments, scope)


_ModuleReader = Callable[[_Reader, Word, Node, dict[str, _Arg], _Scope], None]
_MODULE_READERS: dict[str, _ModuleReader] = {
    "container": _container,
    "shell": _shell,
    "writer": _writer,
    "file": _file,
    "user": _user,
    "compose": _compose,
    "docker_network": _network,
    "docker": _docker,
}
