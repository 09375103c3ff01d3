"""YAML as a node graph with positions, for every YAML source.

ruamel.yaml's pure safe composer gives each key, value and flow item a start
and end mark, shows `<<` merge keys and both copies of a duplicate key, and
shares one node per alias. Sources read these nodes, never constructed plain
data, so every fact keeps its span. The C loader is not used: it crashes on
deep nesting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sockelint.model import Problem, Word
from sockelint.span import Span

__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "documents",
    "extent",
    "get",
    "is_null",
    "items",
    "scalar",
    "sequence",
    "span",
    "values",
    "word",
]

# Deeper than any real manifest; well before the pure parser's recursion limit.
MAX_DEPTH = 200
_DOCUMENT_START = re.compile(r"^---(?=\s|$)", re.MULTILINE)


def documents(text: str, path: str) -> tuple[list[Node], list[Problem]]:
    """Every document of a stream; a broken document does not hide the others."""
    try:
        return _compose(text), []
    except (YAMLError, RecursionError, ValueError) as error:
        first_error = _problem(error, path, 0)

    # Parse document by document, so the good ones are still scanned.
    nodes: list[Node] = []
    problems: list[Problem] = []
    starts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start()]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        offset = text.count("\n", 0, start)
        chunk = "\n" * offset + text[start:end]
        try:
            nodes += _compose(chunk)
        except (YAMLError, RecursionError, ValueError) as error:
            problems.append(_problem(error, path, 0))
    return nodes, problems or [first_error]


def _compose(text: str) -> list[Node]:
    yaml = YAML(typ="safe", pure=True)
    found = [node for node in yaml.compose_all(text) if node is not None]
    for node in found:
        _check_depth(node)
    return found


def _check_depth(root: Node) -> None:
    """Refuse absurd nesting before a recursive walker meets it."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            line = node.start_mark.line + 1
            raise ValueError(f"nesting deeper than {MAX_DEPTH} levels at line {line}")
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack += [(key, depth + 1), (value, depth + 1)]
        elif isinstance(node, SequenceNode):
            stack += [(item, depth + 1) for item in node.value]


def _problem(error: BaseException, path: str, offset: int) -> Problem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 + offset) if mark else 1
        column = (mark.column + 1) if mark else 1
        reason = f"{error.problem or error.context}"
        return Problem(Span(path, line, column, line, column + 1), reason.strip())
    if isinstance(error, RecursionError):
        return Problem(Span.point(path, 1), "YAML nested too deeply to read")
    return Problem(Span.point(path, 1), str(error).strip() or type(error).__name__)


def span(node: Node, path: str) -> Span:
    """The node's 1-based span. A block scalar's end mark sits on the next
    line at column 0; it is pulled back to the end of the last line."""
    start, end = node.start_mark, node.end_mark
    end_line, end_column = end.line + 1, end.column + 1
    if end.column == 0 and end.line > start.line:
        end_line, end_column = end.line, _line_length(end) + 1
    return Span(path, start.line + 1, start.column + 1, end_line, end_column)


def _line_length(mark: object) -> int:
    buffer = getattr(mark, "buffer", None)
    index = getattr(mark, "index", None)
    if not buffer or index is None:
        return 0
    previous_end = index - 1
    previous_start = buffer.rfind("\n", 0, max(previous_end, 0)) + 1
    return max(previous_end - previous_start, 0)


def items(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """Key and value pairs of a mapping, merge keys (`<<`) resolved first so
    that keys written in the mapping override them. Duplicate keys are all
    yielded, in order."""
    if not isinstance(node, MappingNode):
        return
    merged: list[tuple[ScalarNode, Node]] = []
    own: list[tuple[ScalarNode, Node]] = []
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.tag.endswith(":merge"):
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                # Earlier mappings of a merge list win over later ones.
                earlier = {k.value for k, _ in merged}
                merged += [(k, v) for k, v in items(source) if k.value not in earlier]
        elif isinstance(key, ScalarNode):
            own.append((key, value))
    names = {key.value for key, _ in own}
    yield from ((k, v) for k, v in merged if k.value not in names)
    yield from own


def get(node: Node | None, name: str) -> Node | None:
    """The value of `name` in a mapping (the last one, as YAML loaders do)."""
    found = None
    for key, value in items(node):
        if key.value == name:
            found = value
    return found


def scalar(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode):
        return str(node.value)
    return None


def sequence(node: Node | None) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def word(node: Node, path: str) -> Word:
    """A scalar as a `Word` with its span; other nodes give empty text."""
    text = scalar(node) or ""
    return Word(text, span(node, path), text)


def values(node: Node | None, name: str) -> list[Node]:
    """Every value of `name` in a mapping, duplicates included: a key written
    twice is read twice, so nothing in the second copy goes unseen."""
    return [value for key, value in items(node) if key.value == name]


def is_null(node: Node | None) -> bool:
    """True for a missing value, `~`, `null` or an empty value (`key:`)."""
    if node is None:
        return True
    return isinstance(node, ScalarNode) and node.tag.endswith(":null")


def extent(node: Node, path: str) -> Span:
    """The node's span ending at its last written value: a block mapping's
    end mark sits on the next key, which belongs to something else."""
    last = node
    seen: set[int] = set()
    while id(last) not in seen and last.value and not isinstance(last, ScalarNode):
        seen.add(id(last))
        tail = last.value[-1]
        if isinstance(last, MappingNode):
            # An empty value's mark sits on the next token: keep its key.
            tail = tail[0] if is_null(tail[1]) else tail[1]
        last = tail
    whole, end = span(node, path), span(last, path)
    if last is node:
        return whole
    return Span(path, whole.line, whole.column, end.end_line, end.end_column)
