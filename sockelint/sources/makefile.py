"""Makefiles: each rule's recipe as a shell script, make variables expanded.

GNU make reads the whole file before running a recipe, so variables are
collected first (`:=`, `=`, `?=`, `+=`, `export`, `override`, target-specific
ones for their target) and recipes are expanded with the final values:
`$(SOCK)` and `${SOCK}` become the value, `$$` becomes `$`, `$(shell cmd)`
becomes the shell's `$(cmd)`. An unknown variable becomes the shell's
`${NAME}`, which is what the environment would supply.

Conditionals (`ifeq`, `ifneq`, `ifdef`, `ifndef`) are not evaluated: every
branch is code that may run. A variable assigned inside one keeps each
value it may have (the one a branch gives, and the one it replaces), and a
recipe is read once with the final values and once more for each further
value, so a flag set only in the CI branch is seen even when the other
branch clears it.

Every character of the expanded recipe remembers the file position it came
from, so a `-v` found by the shell source points at the recipe line, or at
the `$(DOCKER_RUN)` reference that brought it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from sockelint import sockets
from sockelint.document import Document
from sockelint.excerpt import Excerpt, ExcerptLine
from sockelint.model import Facts
from sockelint.sources import shell
from sockelint.span import Span

_ASSIGNMENT = re.compile(
    r"^(?P<prefix>(?:(?:export|override|private)\s+)*)"
    r"(?P<name>[^\s:#=?+!]+)\s*(?P<op>::=|:::=|:=|\?=|\+=|!=|=)(?P<value>.*)$",
    re.DOTALL,
)
_DIRECTIVE = re.compile(
    r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude"
    r"|vpath|unexport|undefine)\b"
)
_DEFINE = re.compile(r"^\s*(?:(?:export|override)\s+)*define\s+(?P<name>\S+)")
_CONDITIONAL = re.compile(r"^\s*(?:ifeq|ifneq|ifdef|ifndef)\b")
_ENDIF = re.compile(r"^\s*endif\b")
_MAX_DEPTH = 12
# Further readings of a recipe for the values conditionals may leave: a
# bound keeps a Makefile of many branches from costing a parse each.
_MAX_VARIANTS = 4
_SPECIAL = {"MAKE": "make", "SHELL": "/bin/sh", "RM": "rm -f"}

Position = tuple[int, int]


@dataclass(slots=True)
class _Rule:
    targets: list[str]
    # Physical recipe lines: (1-based file line, the line without its tab,
    # the file column of the text's first character).
    lines: list[tuple[int, str, int]] = field(default_factory=list)


@dataclass(slots=True)
class _Mapped(Excerpt):
    """An excerpt whose every character has its own file position: the
    recipe after make expanded it."""

    starts: list[list[Position]] = field(default_factory=list)
    ends: list[list[Position]] = field(default_factory=list)

    def position(self, row: int, column: int) -> tuple[int, int]:
        if not self.starts:
            return (1, 1)
        row = max(0, min(row, len(self.starts) - 1))
        starts, ends = self.starts[row], self.ends[row]
        if column < len(starts):
            return starts[column]
        if not ends:
            return self.lines[row].line, self.lines[row].column
        line, last = ends[-1]
        return (line, last + column - len(ends))

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        line, column = self.position(*start)
        row, col = end
        if col > 0 and 0 <= row < len(self.ends) and col - 1 < len(self.ends[row]):
            end_line, end_column = self.ends[row][col - 1]
        else:
            end_line, end_column = self.position(row, col)
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
        return Span(self.path, line, column, end_line, end_column)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, "makefile")
    made = _read(document.lines)

    variants = _variants(made)
    for rule in made.rules:
        seen: set[object] = set()
        texts: set[str] = set()
        for values in variants:
            scope = dict(values)
            for target in rule.targets:
                scope.update(made.target_variables.get(target, {}))
            excerpt = _recipe_excerpt(document.path, rule, scope)
            if excerpt is None or excerpt.text in texts:
                continue  # no conditional value reaches this recipe
            texts.add(excerpt.text)
            commands, problems = shell.parse_excerpt(excerpt)
            facts.commands += _unseen(commands, seen)
            facts.problems += _unseen(problems, seen)
    return facts


def _variants(made: _Made) -> list[Variables]:
    """The final values, then the same with the k-th other value of every
    variable a conditional may leave otherwise."""
    variants = [made.variables]
    for k in range(_MAX_VARIANTS):
        changed = {
            name: values[k]
            for name, values in made.alternatives.items()
            if k < len(values)
        }
        if not changed:
            break
        variants.append({**made.variables, **changed})
    return variants


_T = TypeVar("_T")


def _unseen(found: list[_T], seen: set[object]) -> list[_T]:
    """What a reading found that an earlier reading of the recipe did not:
    text no conditional touched is found alike each time."""
    fresh: list[_T] = []
    for item in found:
        key = repr(item)
        if key not in seen:
            seen.add(key)
            fresh.append(item)
    return fresh


# --------------------------------------------------------------------------
# Reading the file: variables and rules


@dataclass(slots=True)
class _Made:
    variables: Variables = field(default_factory=dict)
    target_variables: dict[str, Variables] = field(default_factory=dict)
    rules: list[_Rule] = field(default_factory=list)
    # Other values a variable may have, left by assignments in conditionals.
    alternatives: dict[str, list[_Var]] = field(default_factory=dict)


def _read(lines: list[str]) -> _Made:
    made = _Made()
    variables, target_variables, rules = (
        made.variables,
        made.target_variables,
        made.rules,
    )
    current: _Rule | None = None
    depth = 0  # conditionals open around the line
    index = 0
    while index < len(lines):
        line = lines[index]
        if current is not None and line.startswith("\t"):
            index = _recipe_line(lines, index, current)
            continue

        first = index
        logical, index = _logical(lines, index)
        stripped = logical.strip()
        if _CONDITIONAL.match(logical):
            depth += 1
        elif _ENDIF.match(logical):
            depth = max(0, depth - 1)
        if not stripped or stripped.startswith("#") or _DIRECTIVE.match(logical):
            continue
        define = _DEFINE.match(logical)
        if define:
            index = _skip_define(lines, index, define.group("name"), variables)
            current = None
            continue

        assignment = _ASSIGNMENT.match(stripped)
        if assignment and ":" not in stripped[: assignment.start("op")]:
            at = (
                _value_position(logical, assignment, first)
                if index == first + 1
                else None
            )
            before = variables.get(assignment.group("name"))
            _assign(variables, assignment, at)
            _alternatives(made, assignment, before, conditional=depth > 0)
            current = None
            continue
        current = _rule_line(stripped, index, lines, target_variables, rules)
    return made


def _alternatives(
    made: _Made, assignment: re.Match[str], before: _Var | None, *, conditional: bool
) -> None:
    """Keep what a variable may be besides its final value. In a
    conditional, the value set and the value replaced are both possible;
    outside one, a plain assignment settles the variable and `+=` adds to
    every value it may have."""
    name, op = assignment.group("name"), assignment.group("op")
    now = made.variables.get(name)
    values = made.alternatives.get(name, [])
    if not conditional:
        if op == "+=" and values:
            extra = assignment.group("value").strip()
            values = [
                _Var(f"{expand_text(v.text, made.variables)} {extra}") for v in values
            ]
        elif op != "?=":
            values = []
    else:
        values = [*values, *(v for v in (before, now) if v is not None)]
    # The final value is read anyway; each other one once.
    kept: list[_Var] = []
    for value in values:
        if value != now and value not in kept:
            kept.append(value)
    made.alternatives[name] = kept


def _logical(lines: list[str], index: int) -> tuple[str, int]:
    """A make line with its backslash continuations joined."""
    parts = [lines[index]]
    while parts[-1].endswith("\\") and index + 1 < len(lines):
        parts[-1] = parts[-1][:-1]
        index += 1
        parts.append(lines[index].lstrip())
    return " ".join(parts), index + 1


def _recipe_line(lines: list[str], index: int, rule: _Rule) -> int:
    """One recipe line and its continuation lines (make strips one leading
    tab from each)."""
    while index < len(lines):
        line = lines[index]
        tab = line.startswith("\t")
        rule.lines.append((index + 1, line[1:] if tab else line, 2 if tab else 1))
        index += 1
        if not line.endswith("\\"):
            break
    return index


def _value_position(logical: str, match: re.Match[str], index: int) -> Position:
    value = match.group("value")
    lead = len(logical) - len(logical.lstrip())
    offset = match.start("value") + len(value) - len(value.lstrip())
    return (index + 1, lead + offset + 1)


def _skip_define(lines: list[str], index: int, name: str, variables: Variables) -> int:
    body: list[str] = []
    while index < len(lines) and not lines[index].strip().startswith("endef"):
        body.append(lines[index])
        index += 1
    variables[name.rstrip(":=?+ ")] = _Var(" ".join(body))
    return index + 1


def _assign(
    variables: Variables, match: re.Match[str], at: Position | None = None
) -> None:
    """Record an assignment. Simple (`:=`) values are kept unexpanded like
    recursive ones, so their text keeps its position; only a value that
    refers to its own name is expanded at once."""
    name, op, value = (
        match.group("name"),
        match.group("op"),
        match.group("value").strip(),
    )
    if op == "!=":
        variables[name] = _Var(f"$(shell {value})")
    elif op == "?=":
        variables.setdefault(name, _Var(value, at))
    elif op == "+=" and name in variables:
        variables[name] = _Var(
            f"{expand_text(variables[name].text, variables)} {value}"
        )
    elif op in (":=", "::=", ":::=") and re.search(
        rf"\$[({{]{re.escape(name)}[)}}:]", value
    ):
        variables[name] = _Var(expand_text(value, variables))
    else:
        variables[name] = _Var(value, at)


def _rule_line(
    stripped: str,
    index: int,
    lines: list[str],
    target_variables: dict[str, Variables],
    rules: list[_Rule],
) -> _Rule | None:
    """`targets: prerequisites [; recipe]`, or a target-specific variable
    `targets: NAME := value`."""
    colon = _rule_colon(stripped)
    if colon < 0:
        return None
    targets = stripped[:colon].split()
    rest = stripped[colon:].lstrip(":")

    assignment = _ASSIGNMENT.match(rest.strip())
    if assignment and not rest.strip().startswith(";"):
        for target in targets:
            _assign(target_variables.setdefault(target, {}), assignment)
        return None

    rule = _Rule(targets)
    _prerequisites, semicolon, _recipe = rest.partition(";")
    if semicolon:
        line = lines[index - 1]
        at = line.find(";", line.find(":")) + 1
        rule.lines.append((index, line[at:], at + 1))
    rules.append(rule)
    return rule


def _rule_colon(text: str) -> int:
    """The rule's colon, outside `$(...)` references."""
    depth = 0
    for position, char in enumerate(text):
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif char == ":" and depth == 0:
            return position
    return -1


# --------------------------------------------------------------------------
# Expansion


@dataclass(frozen=True, slots=True)
class _Var:
    text: str
    # File position of the value's first character, when it is written on
    # one line: expanded text then points where the value is written.
    at: Position | None = None


Variables = dict[str, _Var]
_Char = tuple[str, Position, Position]  # char, file start, file end


def expand_text(text: str, variables: Variables, depth: int = 0) -> str:
    """`text` with make references expanded (no positions kept)."""
    return "".join(char for char, _, _ in _expand(text, None, variables, depth))


def _expand(
    text: str, at: Position | None, variables: Variables, depth: int
) -> list[_Char]:
    """The expanded text, each character with the file position it came
    from: its own, or that of the variable value that brought it in."""
    line, column = at or (0, 0)
    out: list[_Char] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "$" or index + 1 >= len(text):
            out.append((char, (line, column + index), (line, column + index + 1)))
            index += 1
            continue
        following = text[index + 1]
        if following == "$":
            out.append(("$", (line, column + index), (line, column + index + 2)))
            index += 2
            continue
        end = _closing(text, index + 1) if following in "({" else index + 2
        content = text[index + 2 : end - 1] if following in "({" else following
        expanded = _reference(content, variables, depth)
        if len(expanded) > sockets.MAX_GROWTH or not sockets.take_room(len(expanded)):
            # `A = $(B)$(B)` chains grow exponentially: keep the reference.
            expanded = _plain(text[index:end])
        start, stop = (line, column + index), (line, column + end)
        for char, from_start, from_end in expanded:
            if from_start[0] == 0:  # no position of its own: the reference's
                from_start, from_end = start, stop
            out.append((" " if char == "\n" else char, from_start, from_end))
        index = end
    return out


def _closing(text: str, start: int) -> int:
    """Index after the bracket closing the one at `start`."""
    opening = text[start]
    closing = ")" if opening == "(" else "}"
    depth = 0
    for index in range(start, len(text)):
        if text[index] == opening:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _plain(text: str) -> list[_Char]:
    return [(c, (0, 0), (0, 0)) for c in text]


def _reference(content: str, variables: Variables, depth: int) -> list[_Char]:
    if depth >= _MAX_DEPTH:
        return []
    function, space, arguments = content.partition(" ")
    if space and function == "shell":
        return _plain("$(" + expand_text(arguments, variables, depth + 1) + ")")
    if space and function.isalpha() and function.islower():
        return _plain("$(" + content + ")")

    name = expand_text(content, variables, depth + 1).split(":", 1)[0]
    if name in variables:
        var = variables[name]
        return _expand(var.text, var.at, variables, depth + 1)
    if name in _SPECIAL:
        return _plain(_SPECIAL[name])
    if len(name) == 1 and not name.isalnum():
        return _plain("$" + name)  # automatic variables: $@ $< $^ $*
    return _plain("${" + name + "}")


def _recipe_excerpt(path: str, rule: _Rule, variables: Variables) -> _Mapped | None:
    """The recipe as the shell will see it, each character mapped back."""
    if not rule.lines:
        return None
    excerpt = _Mapped(path)
    continued = False
    for number, text, column in rule.lines:
        start = 0
        if not continued:
            # `@`, `-` and `+` before a recipe line are make's, not the shell's.
            while start < len(text) and text[start] in "@-+ \t":
                start += 1
        expanded = _expand(text[start:], (number, column + start), variables, 0)
        excerpt.lines.append(
            ExcerptLine("".join(c for c, _, _ in expanded), number, column)
        )
        excerpt.starts.append([s for _, s, _ in expanded])
        excerpt.ends.append([e for _, _, e in expanded])
        continued = text.endswith("\\")
    return excerpt
