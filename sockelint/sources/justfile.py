"""justfiles (casey/just): recipe bodies as shell, `{{var}}` rendered.

A recipe is `name params: dependencies` at the start of a line and its
body is the indented lines below. Each body line runs in the recipe's
shell: `sh -cu` unless `set shell` names another (PowerShell is read by
the small PowerShell reader the CI sources use; Python and the like are
not read). `@` and `-` before a line are just's, not the shell's. A
recipe whose body starts with a shebang is one script for that
interpreter, read when it is a POSIX shell, bash or PowerShell; so is a
`[script]` recipe (`[script]` alone runs `sh -eu`).

`{{name}}` is replaced before the shell sees the line: by the value of a
`name := "..."` assignment (string literals joined with `+` or `/`, and
other assignments), or by `${name}` for a parameter or a value only known
when just runs (`$JUST_VALUE` for a function or an `if`); either is placed
at the reference, so a finding points into the recipe. `export`
assignments (or all of them under `set export`) are the shell's
environment too, so `$NAME` expands, and an exported `DOCKER_HOST` (or
Podman's `CONTAINER_HOST`) points every recipe's clients at an engine.
Reference: https://just.systems/man/en/
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sockelint import endpoints
from sockelint.document import Document
from sockelint.excerpt import MappedExcerpt, Place, mapped_excerpt
from sockelint.model import EnvVar, Facts
from sockelint.span import Span

_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "busybox"})
_POWERSHELLS = frozenset({"powershell", "pwsh"})
_ASSIGNMENT = re.compile(
    r"^(?P<export>export\s+)?(?P<name>[A-Za-z_][\w-]*)\s*:=\s*(?P<value>.*)$"
)
_SETTING = re.compile(r"^set\s+(?P<name>[\w-]+)\s*(?::=\s*(?P<value>.*))?$")
# `name param="default" +rest: dependencies`
_RECIPE = re.compile(
    r"^@?(?P<name>[A-Za-z_][\w-]*)"
    r"(?:\s+[+*]?\$?[A-Za-z_][\w-]*(?:\s*=\s*(?:'[^']*'|\"[^\"]*\"|[^\s:'\"]+))?)*"
    r"\s*:(?!=)"
)
_ATTRIBUTE = re.compile(r"^\[(?P<body>[^\]]*)\]\s*$")
_SHEBANG = re.compile(r"^#!\s*(?P<program>\S+)(?:\s+(?P<argument>\S+))?")
# `{{{{` is a literal `{{`.
_INTERPOLATION = re.compile(r"\{\{\{\{|\{\{(?P<expr>.*?)\}\}")
_TOKEN = re.compile(
    r"\s*(?:(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'[^']*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<name>[A-Za-z_][\w-]*)|(?P<op>[+/]))"
)
# What an expression only just can evaluate renders to (`{{ if ... }}`,
# `{{ invocation_directory() }}`): one plain word of unknown value.
_UNKNOWN = "$JUST_VALUE"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class _Value:
    text: str
    # File place of the text's first character when it is written as
    # such on one line: rendered text then points where it is written.
    at: Place | None = None


@dataclass(slots=True)
class _Recipe:
    name: str
    # (1-based file line, the line's text, 0-based column where it starts)
    body: list[tuple[int, str, int]] = field(default_factory=list)
    script: bool = False  # a shebang or `[script]` recipe
    # Its interpreter: "sh", "powershell", or None for one not read.
    shell: str | None = "sh"


@dataclass(slots=True)
class _File:
    values: dict[str, _Value] = field(default_factory=dict)
    exported: dict[str, EnvVar] = field(default_factory=dict)
    export_all: bool = False
    shell: str | None = "sh"
    recipes: list[_Recipe] = field(default_factory=list)


def parse(document: Document) -> Facts:
    from sockelint.sources import powershell, shell

    facts = Facts(document.path, document.kind or "justfile")
    read = _read(document)
    environment = list(read.exported.values())
    if read.export_all:
        environment += [
            EnvVar(name, value.text, Span(document.path, 1, 1, 1, 1))
            for name, value in read.values.items()
            if name not in read.exported
        ]
    facts.clients += endpoints.clients_from_env(environment, "justfile export")

    shell_variables = {v.name: v.value for v in environment if v.value is not None}
    for recipe in read.recipes:
        interpreter = recipe.shell if recipe.script else read.shell
        if interpreter is None or not recipe.body:
            continue
        excerpt = _rendered(document.path, recipe, read.values)
        if interpreter == "powershell":
            facts.commands += powershell.commands(excerpt)
            continue
        # A line the shell cannot read fails that recipe when it runs: the
        # shell's complaint, as in the CI sources, not the justfile's.
        commands, _ = shell.parse_excerpt(excerpt, variables=shell_variables)
        facts.commands += commands
    return facts


# --------------------------------------------------------------------------
# Reading the file


def _read(document: Document) -> _File:
    read = _File()
    lines = document.lines
    attributes: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or line[:1] in " \t" or stripped.startswith("#"):
            continue

        attribute = _ATTRIBUTE.match(stripped)
        if attribute:
            attributes += [a.strip() for a in attribute.group("body").split(",")]
            continue
        setting = _SETTING.match(stripped)
        if setting:
            _setting(read, setting.group("name"), setting.group("value"))
            continue
        assignment = _ASSIGNMENT.match(stripped)
        if assignment:
            _assign(read, document.path, index, line, assignment)
            continue
        recipe = _RECIPE.match(stripped)
        if recipe:
            index = _recipe(read, lines, index, recipe.group("name"), attributes)
        attributes = []
    return read


def _setting(read: _File, name: str, value: str | None) -> None:
    if name == "export":
        read.export_all = value is None or value.strip() == "true"
    elif name == "shell" and value:
        program = re.search(r"['\"]([^'\"]+)['\"]", value)
        read.shell = _interpreter(program.group(1)) if program else None


def _interpreter(program: str) -> str | None:
    name = program.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
    if name in _SHELLS:
        return "sh"
    return "powershell" if name in _POWERSHELLS else None


def _assign(
    read: _File, path: str, number: int, line: str, match: re.Match[str]
) -> None:
    name = match.group("name")
    value_column = match.start("value") + len(line) - len(line.lstrip())
    value = _evaluate(match.group("value"), read.values, (number, value_column + 1))
    if value is None:
        read.values.pop(name, None)
        return
    read.values[name] = value
    if match.group("export"):
        whole = Span(path, number, 1, number, len(line) + 1)
        at = value.at or (number, value_column + 1)
        value_span = Span(path, at[0], at[1], at[0], at[1] + max(len(value.text), 1))
        read.exported[name] = EnvVar(name, value.text, whole, value_span)


def _recipe(
    read: _File, lines: list[str], index: int, name: str, attributes: list[str]
) -> int:
    """The recipe's body: the indented lines after its header (blank lines
    inside it included)."""
    recipe = _Recipe(name)
    read.recipes.append(recipe)
    script = next((a for a in attributes if a.startswith("script")), None)
    if script is not None:
        recipe.script = True
        named = re.search(r"['\"]([^'\"]+)['\"]", script)
        recipe.shell = _interpreter(named.group(1)) if named else "sh"

    indent: str | None = None
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if line[:1] not in " \t":
            break
        if indent is None:
            indent = line[: len(line) - len(line.lstrip(" \t"))]
        cut = len(indent) if line.startswith(indent) else len(line) - len(line.lstrip())
        recipe.body.append((index + 1, line[cut:], cut))
        index += 1

    if recipe.body and recipe.body[0][1].startswith("#!"):
        shebang = _SHEBANG.match(recipe.body[0][1])
        program = shebang.group("program") if shebang else ""
        if program.endswith("/env") and shebang and shebang.group("argument"):
            program = shebang.group("argument")
        recipe.script = True
        recipe.shell = _interpreter(program)
        recipe.body = recipe.body[1:]
    return index


# --------------------------------------------------------------------------
# Expressions


def _evaluate(text: str, values: dict[str, _Value], at: Place) -> _Value | None:
    """A value built of string literals and other values joined by `+`
    (or `/`, a path join); anything else (a function, a backtick, `if`)
    is only known when just runs."""
    text = text.split(" #", 1)[0].strip()
    parts: list[_Value] = []
    joiner = ""
    position = 0
    while position < len(text):
        token = _TOKEN.match(text, position)
        if token is None or token.end() == position:
            return None
        position = token.end()
        if token.group("op"):
            joiner = "/" if token.group("op") == "/" else ""
            continue
        part = _part(token, values, at)
        if part is None:
            return None
        if parts and joiner:
            parts.append(_Value(joiner))
        parts.append(part)
        joiner = ""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return _Value("".join(p.text for p in parts))


def _part(token: re.Match[str], values: dict[str, _Value], at: Place) -> _Value | None:
    name = token.group("name")
    if name is not None:
        return values.get(name)

    literal = token.group("string")
    quote = 3 if literal[:3] in ("'''", '"""') else 1
    inner = literal[quote:-quote]
    column = at[1] + token.start("string") + quote
    if literal.startswith('"'):
        unescaped = re.sub(
            r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), inner
        )
        if unescaped != inner or "\n" in inner:
            return _Value(unescaped)
    return _Value(inner, (at[0], column))


# --------------------------------------------------------------------------
# Rendering a body


def _rendered(path: str, recipe: _Recipe, values: dict[str, _Value]) -> MappedExcerpt:
    text: list[str] = []
    places: list[Place] = []
    continued = False
    for row, (number, line, cut) in enumerate(recipe.body):
        start = 0
        if not recipe.script and not continued:
            # `@` and `-` before a line are just's, not the shell's.
            while start < len(line) and line[start] in "@- \t":
                start += 1
        _render(line, start, number, cut, values, text, places)
        continued = line.endswith("\\")
        if row < len(recipe.body) - 1:
            text.append("\n")
            places.append((number, cut + len(line) + 1))
    return mapped_excerpt(path, "".join(text), places)


def _render(
    line: str,
    start: int,
    number: int,
    cut: int,
    values: dict[str, _Value],
    text: list[str],
    places: list[Place],
) -> None:
    index = start
    for match in _INTERPOLATION.finditer(line, start):
        _copy(line, index, match.start(), number, cut, text, places)
        index = match.end()
        if match.group("expr") is None:
            text.append("{{")
            places += [
                (number, cut + match.start() + 1),
                (number, cut + match.start() + 2),
            ]
            continue
        reference = (number, cut + match.start() + 1)
        value = _evaluate(match.group("expr"), values, reference)
        expression = match.group("expr").strip()
        if value is None and re.fullmatch(r"[A-Za-z_]\w*", expression):
            value = _Value("${" + expression + "}")
        elif value is None:
            # A function or an `if`: one word the shell cannot know.
            value = _Value(_UNKNOWN)
        rendered = value.text.replace("\n", " ")
        text.append(rendered)
        places += [reference] * len(rendered)
    _copy(line, index, len(line), number, cut, text, places)


def _copy(
    line: str,
    start: int,
    end: int,
    number: int,
    cut: int,
    text: list[str],
    places: list[Place],
) -> None:
    text.append(line[start:end])
    places += [(number, cut + column + 1) for column in range(start, end)]
