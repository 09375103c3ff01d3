"""Taskfiles (go-task): each task's commands as shell, its variables known.

`Taskfile.yml` keeps tasks in `tasks:`; each task runs `cmds` (a string,
or `cmd:` in a mapping; `task:` calls another task and `defer:` holds a
command for the end) or one `cmd`. Task renders `{{.NAME}}` templates
before the shell sees the line, so a reference to a static `vars`/`env`
value becomes that value (`{{.NAME | default "x"}}` its default when
unknown), each of its characters placed at the reference; an unknown
variable reads as `${NAME}`, another template as one unknown word.
`env` values (global, then the task's) are also the shell's variables,
so `$NAME` expands as well. `DOCKER_HOST` in an `env` block points every
command of that scope at an engine, like a CI step's environment.

Values computed by a command (`sh:`) or by template functions are not
known.
Reference: https://taskfile.dev/reference/schema/
"""

from __future__ import annotations

import re

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.excerpt import Excerpt, Place, mapped_excerpt
from sockelint.model import EnvVar, Facts
from sockelint.sources import ci_common
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode

_TEMPLATE = re.compile(r"\{\{-?(?P<expr>.*?)-?\}\}")
# `.NAME`, and `.NAME | default "x"` or `default "x" .NAME`.
_NAME = re.compile(r"\.(?P<name>[A-Za-z_]\w*)")
_DEFAULT = re.compile(
    r'\.(?P<name>[A-Za-z_]\w*)\s*\|\s*default\s+"(?P<default>[^"]*)"'
    r'|default\s+"(?P<default2>[^"]*)"\s+\.(?P<name2>[A-Za-z_]\w*)'
)
# What any other template (a function, a pipeline) renders to: a value
# only known when Task runs, spelled so the shell reads one plain word.
_UNKNOWN = "$TASK_VALUE"


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _taskfile)


def _taskfile(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    env = ci_common.environment(yaml, yamlnodes.get(root, "env"))
    facts.clients += ci_common.clients_of(env, "Taskfile environment")
    known = _values(yaml, yamlnodes.get(root, "vars"), ci_common.variables_of(env))

    for _, task in yamlnodes.items(yamlnodes.get(root, "tasks")):
        _task(yaml, task, env, known, facts)


def _task(
    yaml: Yaml, task: Node, env: list[EnvVar], known: dict[str, str], facts: Facts
) -> None:
    """A task: a mapping, or a shorthand (a command or a list of them)."""
    if not isinstance(task, MappingNode):
        _commands(yaml, _command_nodes(task), ci_common.variables_of(env), known, facts)
        return

    task_env = ci_common.environment(yaml, yamlnodes.get(task, "env"))
    facts.clients += ci_common.clients_of(task_env, "Taskfile task environment")
    scope = _values(
        yaml, yamlnodes.get(task, "vars"), known | ci_common.variables_of(task_env)
    )
    shell_variables = ci_common.variables_of([*env, *task_env])
    nodes = _command_nodes(yamlnodes.get(task, "cmds"))
    nodes += _command_nodes(yamlnodes.get(task, "cmd"))
    _commands(yaml, nodes, shell_variables, scope, facts)


def _command_nodes(node: Node | None) -> list[ScalarNode]:
    """The shell strings of `cmds`: plain items, `cmd:` and `defer:`
    (a `task:` item or `defer: {task: ...}` calls a task, no shell)."""
    if isinstance(node, ScalarNode):
        return [] if yamlnodes.is_null(node) else [node]
    found: list[ScalarNode] = []
    for item in yamlnodes.sequence(node):
        if isinstance(item, ScalarNode) and not yamlnodes.is_null(item):
            found.append(item)
        elif isinstance(item, MappingNode):
            for key in ("cmd", "defer"):
                value = yamlnodes.get(item, key)
                if isinstance(value, ScalarNode) and not yamlnodes.is_null(value):
                    found.append(value)
    return found


def _commands(
    yaml: Yaml,
    nodes: list[ScalarNode],
    shell_variables: dict[str, str],
    scope: dict[str, str],
    facts: Facts,
) -> None:
    from sockelint.sources import shell

    for node in nodes:
        if not str(node.value).strip():
            continue
        excerpt = rendered(yaml.excerpt(node), scope)
        # A line the shell cannot read fails that task when it runs; as in
        # the CI sources, it is no problem of the Taskfile's.
        commands, _ = shell.parse_excerpt(excerpt, variables=shell_variables)
        facts.commands += commands


def _values(yaml: Yaml, node: Node | None, known: dict[str, str]) -> dict[str, str]:
    """`known` with the static `vars` of `node` added, in order, each one's
    own `{{.NAME}}` rendered; a `sh:` value has none."""
    scope = dict(known)
    for variable in ci_common.environment(yaml, node):
        if variable.value is not None:
            scope[variable.name] = _TEMPLATE.sub(
                lambda m: _value_of(m.group("expr"), scope), variable.value
            )
    return scope


def _value_of(expression: str, scope: dict[str, str]) -> str:
    """What one `{{ ... }}` renders to, as far as it is known."""
    expression = expression.strip()
    name = _NAME.fullmatch(expression)
    if name:
        return scope.get(name.group("name"), "${" + name.group("name") + "}")
    default = _DEFAULT.fullmatch(expression)
    if default:
        variable = default.group("name") or default.group("name2")
        fallback = default.group("default") or default.group("default2") or ""
        return scope.get(variable) or fallback
    return _UNKNOWN


def rendered(excerpt: Excerpt, scope: dict[str, str]) -> Excerpt:
    """The excerpt with each `{{ ... }}` rendered (a known value, `${NAME}`
    for an unknown variable, `$TASK_VALUE` for anything else), each
    character placed at the template that brought it in."""
    text = excerpt.text
    if "{{" not in text:
        return excerpt

    out: list[str] = []
    places: list[Place] = []
    rows = text.split("\n")
    for row, line in enumerate(rows):
        index = 0
        for match in _TEMPLATE.finditer(line):
            _copy(excerpt, row, line, index, match.start(), out, places)
            place = excerpt.position(row, match.start())
            value = _value_of(match.group("expr"), scope).replace("\n", " ")
            out.append(value)
            places += [place] * len(value)
            index = match.end()
        _copy(excerpt, row, line, index, len(line), out, places)
        if row < len(rows) - 1:
            out.append("\n")
            places.append(excerpt.position(row, len(line)))
    return mapped_excerpt(excerpt.path, "".join(out), places)


def _copy(
    excerpt: Excerpt,
    row: int,
    line: str,
    start: int,
    end: int,
    out: list[str],
    places: list[Place],
) -> None:
    out.append(line[start:end])
    places += [excerpt.position(row, column) for column in range(start, end)]
