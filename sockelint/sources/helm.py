"""Helm chart templates, read without Helm.

A template is not YAML until it is rendered, but most of it is literal YAML
with template actions in between. The actions are masked so the literal
structure parses, with every line where it was: a line holding nothing but
actions (`{{- if ... }}`, `{{ toYaml . | nindent 8 }}`, `{{- end }}`) is
blanked, an action inside a line (`image: {{ .Values.image }}`) becomes a
placeholder of the same length. The nodes then go through the Kubernetes
reader, so a literal `path: /var/run/docker.sock` is reported at its line.

Only one branch of an `if`/`else` can be YAML at a time, so the template is
read twice: once taking every first branch, once every last branch. What
only a rendered value reveals (`path: {{ .Values.socketPath }}`) is out of
reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import kubernetes
from sockelint.yamlnodes import ScalarNode

# Go template actions, and Jinja's, which some charts and manifests carry.
_ACTION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_KEYWORD = re.compile(r"^(?:\{\{|\{%)-?\s*(?P<word>[a-z]+)")
_OPEN = {"if", "with", "range", "for", "define", "block"}
_BRANCHING = {"if", "with", "range", "for"}
_ELSE = {"else", "elif"}
_END = {"end", "endif", "endfor", "endwith", "endblock"}
# Characters a placeholder keeps from its action: safe in any YAML scalar.
_KEEP = re.compile(r"[A-Za-z0-9.]")
# An action that renders a block (`labels: {{- include ... | nindent 4 }}`)
# gives the key its value on the lines below, where more literal entries
# may follow: at the end of a line it is blanked, not made a scalar.
_BLOCK = re.compile(r"\b(?:n?indent|toYaml|toJson)\b")
_LINE_END = re.compile(r"[^\S\n]*(?:\n|\Z)")
_MANIFEST = re.compile(r"^\s*(?:apiVersion|kind)\s*:", re.MULTILINE)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    text = document.text
    if len(text) > yamlnodes.MAX_CHARS:
        # Masking costs as much as parsing: report the size straight away.
        facts.problems += yamlnodes.documents(text, document.path)[1]
        return facts
    variants = masked(text)

    for index, variant in enumerate(variants):
        nodes, problems = yamlnodes.documents(variant, document.path, duplicates=False)
        # A file that is no manifest at all (a `templates/` folder of some
        # other tool) is not ours to call invalid.
        if index == 0 and _MANIFEST.search(text):
            facts.problems += problems
        found = Facts(document.path, document.kind)
        kubernetes.read_nodes(nodes, found, _written(document.lines))
        _merge(facts, found)
    return facts


def _written(lines: list[str]) -> kubernetes.TextOf:
    """A scalar as written in the template when an action was masked in it:
    `{{ include "app.fullname" . }}` reads better than its placeholder."""

    def text_of(node: ScalarNode) -> str:
        start, end = node.start_mark, node.end_mark
        if start.line != end.line or start.line >= len(lines):
            return str(node.value)
        written: str = lines[start.line][start.column : end.column]
        if "{{" not in written and "{%" not in written:
            return str(node.value)
        quoted = node.style in ("'", '"') and len(written) >= 2
        return written[1:-1] if quoted else written

    return text_of


def _merge(facts: Facts, found: Facts) -> None:
    """Take in another reading; what both branches share is taken once."""
    for workload in found.workloads:
        if workload not in facts.workloads:
            facts.workloads.append(workload)
    for command in found.commands:
        if command not in facts.commands:
            facts.commands.append(command)


@dataclass(slots=True)
class _Block:
    branching: bool
    branches: int = 1


@dataclass(frozen=True, slots=True)
class _Event:
    offset: int  # where the action starts in the text
    block: _Block
    kind: str  # open, else, end


def masked(text: str) -> list[str]:
    """The template with its actions masked: the first-branch reading, and
    the last-branch reading when some block has an `else`."""
    actions = list(_ACTION.finditer(text))
    if not actions:
        return [text]
    events = _events(actions)
    base = _mask_actions(text, actions)

    first = _select(base, text, events, last=False)
    if not any(e.block.branches > 1 for e in events):
        return [first]
    return [first, _select(base, text, events, last=True)]


def _events(actions: list[re.Match[str]]) -> list[_Event]:
    """The control actions in order, each tied to its block."""
    stack: list[_Block] = []
    events: list[_Event] = []
    for action in actions:
        keyword = _KEYWORD.match(action.group())
        word = keyword.group("word") if keyword else ""
        if word in _OPEN:
            stack.append(_Block(word in _BRANCHING))
            events.append(_Event(action.start(), stack[-1], "open"))
        elif word in _ELSE and stack:
            stack[-1].branches += 1
            events.append(_Event(action.start(), stack[-1], "else"))
        elif word in _END and stack:
            events.append(_Event(action.start(), stack.pop(), "end"))
    return events


def _mask_actions(text: str, actions: list[re.Match[str]]) -> list[str]:
    """Lines with actions masked: action-only lines blanked, inline actions
    turned into placeholders of the same length."""
    chars = list(text)
    is_action = [False] * len(text)
    for action in actions:
        blank = _renders_block(text, action)
        for index in range(action.start(), action.end()):
            is_action[index] = True
            if chars[index] == "\n":
                continue
            if blank:
                chars[index] = " "
            elif not _KEEP.match(chars[index]):
                chars[index] = "_"

    lines: list[str] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        lines.append(_mask_line(line, chars[start:end], is_action[start:end]))
        start = end + 1
    return lines


def _renders_block(text: str, action: re.Match[str]) -> bool:
    # Matched in place: slicing the rest of a long line for every action
    # would be quadratic on a one-line template.
    at_line_end = _LINE_END.match(text, action.end()) is not None
    return at_line_end and _BLOCK.search(action.group()) is not None


def _mask_line(line: str, masked_chars: list[str], is_action: list[bool]) -> str:
    if not any(is_action):
        return line
    literal = [c for c, a in zip(line, is_action, strict=True) if not a]
    if not "".join(literal).strip():
        return ""
    return "".join(masked_chars)


def _select(base: list[str], text: str, events: list[_Event], last: bool) -> str:
    """Blank the lines of the branches not taken in this reading."""
    line_starts = [0]
    for line in text.split("\n")[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)

    taken: list[str] = []
    open_blocks: list[tuple[_Block, int]] = []
    # How many open blocks are in a branch not taken: kept as a count so a
    # line costs the same however deep the template nests.
    dropped = [0]
    pending = iter(events)
    event = next(pending, None)
    for number, line in enumerate(base):
        line_start = line_starts[number]
        while event is not None and event.offset < line_start:
            _apply(event, open_blocks, dropped, last)
            event = next(pending, None)
        taken.append(line if not dropped[0] else "")
    return "\n".join(taken)


def _apply(
    event: _Event, open_blocks: list[tuple[_Block, int]], dropped: list[int], last: bool
) -> None:
    if event.kind == "open":
        open_blocks.append((event.block, 0))
        dropped[0] += not _kept(event.block, 0, last)
    elif event.kind == "else" and open_blocks:
        block, branch = open_blocks[-1]
        dropped[0] -= not _kept(block, branch, last)
        open_blocks[-1] = (block, branch + 1)
        dropped[0] += not _kept(block, branch + 1, last)
    elif event.kind == "end" and open_blocks:
        block, branch = open_blocks.pop()
        dropped[0] -= not _kept(block, branch, last)


def _kept(block: _Block, branch: int, last: bool) -> bool:
    if not block.branching:
        return True
    return branch == (block.branches - 1 if last else 0)
