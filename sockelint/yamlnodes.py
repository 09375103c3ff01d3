"""YAML as a node graph with positions, for every YAML source.

ruamel.yaml's pure safe composer gives each key, value and flow item a start
and end mark, shows `<<` merge keys and both copies of a duplicate key, and
shares one node per alias. Sources read these nodes, never constructed plain
data, so every fact keeps its span. The C loader is not used: it crashes on
deep nesting. A scalar holding a script (a compose `command`, a Kubernetes
`args` item, a CI `run`) becomes an `Excerpt` through `excerpt()`, the one
mapping of its characters back to the file for every source.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sockelint.excerpt import Excerpt, ExcerptLine, ExcerptWord, mapped_excerpt
from sockelint.model import Problem, Word
from sockelint.span import Span

__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "documents",
    "excerpt",
    "extent",
    "get",
    "is_null",
    "items",
    "scalar",
    "script_word",
    "sequence",
    "span",
    "values",
    "word",
]

# Deeper than any real manifest; well before the pure parser's recursion limit.
MAX_DEPTH = 200
# Flow collections (`[[[...]]]`) cost the pure scanner time quadratic in
# their depth, so they are refused earlier, before the parser sees them.
MAX_FLOW_DEPTH = 32
# Each flow collection costs the scanner dearly too; no real file has more.
MAX_FLOW_COLLECTIONS = 50_000
# The pure parser takes about 5 s and 80 MB per megabyte of YAML; a larger
# stream is reported instead of parsed (real manifests stay far below).
MAX_CHARS = 2 * 1024 * 1024
_DOCUMENT_START = re.compile(r"^---(?=\s|$)", re.MULTILINE)
_FLOW = re.compile(r"[\[\]{}\n]")
# What the written text of a scalar has that its value may not: line breaks
# and indentation that folding drops, escape backslashes, doubled quotes.
_DROPPED = frozenset(" \t\r\n\\'\"")
# Written length of the escapes that stand for one character of the value.
_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}
_CONTINUATION = re.compile(r"\\\r?\n[ \t]*")
# How far ahead a character the alignment lost is looked for.
_LOOKAHEAD = 240


class _TooDeep(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def documents(
    text: str, path: str, *, duplicates: bool = True
) -> tuple[list[Node], list[Problem]]:
    """Every document of a stream; a broken document does not hide the others.

    Duplicate keys are problems of a YAML file, but not of a Helm template,
    where two `if` blocks may each write the key that only one of them will
    render: `duplicates=False` leaves them out (both copies are still read).
    """
    if len(text) > MAX_CHARS:
        reason = f"too large to parse: more than {MAX_CHARS} characters of YAML"
        return [], [Problem(Span.point(path, 1), reason)]
    try:
        _check_flow_depth(text)
        stream, repeated = _compose(text, path)
        return stream, repeated if duplicates else []
    except (YAMLError, RecursionError, ValueError) as error:
        first_error = _problem(error, path, 0)

    # Parse document by document, so the good ones are still scanned.
    nodes: list[Node] = []
    problems: list[Problem] = []
    found: list[Node]
    starts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start()]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        offset = text.count("\n", 0, start)
        chunk = "\n" * offset + text[start:end]
        try:
            _check_flow_depth(chunk)
            found, repeated = _compose(chunk, path)
            nodes += found
            problems += repeated if duplicates else []
        except (YAMLError, RecursionError, ValueError) as error:
            problems.append(_problem(error, path, 0))
    return nodes, problems or [first_error]


def _check_flow_depth(text: str) -> None:
    """Refuse flow nesting deeper than MAX_FLOW_DEPTH, with its line. Quotes
    and comments are not told apart: only a text with that many unclosed
    brackets is refused, which no real manifest has."""
    opened = text.count("[") + text.count("{")
    if opened <= MAX_FLOW_DEPTH:
        return
    if opened > MAX_FLOW_COLLECTIONS:
        message = f"more than {MAX_FLOW_COLLECTIONS} flow collections"
        raise _TooDeep(message, 1)
    depth, line = 0, 1
    for match in _FLOW.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                message = f"nesting deeper than {MAX_FLOW_DEPTH} levels at line {line}"
                raise _TooDeep(message, line)
        else:
            depth = max(depth - 1, 0)


def _quietly(compose: Callable[[], Node | None]) -> Node | None:
    """ruamel.yaml warns on stderr about a reused anchor, which YAML allows
    (the later one wins); the user's terminal is no place for that."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compose()


def _compose(text: str, path: str) -> tuple[list[Node], list[Problem]]:
    """The documents' nodes, and the duplicate keys met in them."""
    yaml = YAML(typ="safe", pure=True)
    constructor, parser = yaml.get_constructor_parser(text)
    found: list[Node] = []
    duplicates: list[Problem] = []
    try:
        while constructor.composer.check_node():
            node = _quietly(constructor.composer.get_node)
            if node is not None:
                duplicates += _check_depth(node, path)
                found.append(node)
    except RecursionError:
        # Where the parser gave up: the event it was about to compose.
        event = getattr(parser, "current_event", None) or getattr(
            parser, "last_event", None
        )
        mark = getattr(event, "start_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise _TooDeep(f"YAML nested too deeply to read at line {line}", line) from None
    finally:
        parser.dispose()
    return found, duplicates


def _check_depth(root: Node, path: str) -> list[Problem]:
    """Refuse absurd nesting before a recursive walker meets it; report
    duplicate keys (engines refuse them; sources read both copies)."""
    duplicates: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            line = node.start_mark.line + 1
            message = f"nesting deeper than {MAX_DEPTH} levels at line {line}"
            raise _TooDeep(message, line)
        if isinstance(node, MappingNode):
            duplicates += _duplicates(node, path)
            for key, value in node.value:
                stack += [(key, depth + 1), (value, depth + 1)]
        elif isinstance(node, SequenceNode):
            stack += [(item, depth + 1) for item in node.value]
    return duplicates


def _duplicates(mapping: MappingNode, path: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for key, _ in mapping.value:
        if not isinstance(key, ScalarNode) or _tagged(key, ":merge"):
            continue
        name = str(key.value)
        line = key.start_mark.line + 1
        if name in first:
            reason = (
                f"duplicate key `{name}` (first at line {first[name]}); both are read"
            )
            problems.append(Problem(span(key, path), reason))
        else:
            first[name] = line
    return problems


def _problem(error: BaseException, path: str, offset: int) -> Problem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 + offset) if mark else 1
        column = (mark.column + 1) if mark else 1
        reason = f"{error.problem or error.context}"
        return Problem(Span(path, line, column, line, column + 1), reason.strip())
    if isinstance(error, _TooDeep):
        return Problem(Span.point(path, error.line + offset), str(error))
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
    if not isinstance(buffer, str) or not buffer or not isinstance(index, int):
        return 0
    previous_end = index - 1
    previous_start = buffer.rfind("\n", 0, max(previous_end, 0)) + 1
    return max(previous_end - previous_start, 0)


def items(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """Key and value pairs of a mapping, merge keys (`<<`) resolved first so
    that keys written in the mapping override them. Duplicate keys are all
    yielded, in order."""
    yield from _pairs(node, {})


def _pairs(
    node: Node | None, done: dict[int, list[tuple[ScalarNode, Node]]]
) -> list[tuple[ScalarNode, Node]]:
    """`items` of one mapping. `done` holds the mappings already resolved in
    this call: merges of merges of one alias (`<<: [*a, *a]` on every level)
    would otherwise be resolved again each time, 2**depth times, and a
    mapping merged into itself resolves to nothing more than its own keys."""
    if not isinstance(node, MappingNode):
        return []
    if id(node) in done:
        return done[id(node)]
    done[id(node)] = []
    merged: list[tuple[ScalarNode, Node]] = []
    own: list[tuple[ScalarNode, Node]] = []
    for key, value in node.value:
        if isinstance(key, ScalarNode) and _tagged(key, ":merge"):
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                # Earlier mappings of a merge list win over later ones.
                earlier = {k.value for k, _ in merged}
                merged += [
                    (k, v) for k, v in _pairs(source, done) if k.value not in earlier
                ]
        elif isinstance(key, ScalarNode):
            own.append((key, value))
    names = {key.value for key, _ in own}
    pairs = [(k, v) for k, v in merged if k.value not in names] + own
    done[id(node)] = pairs
    return pairs


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
    return isinstance(node, ScalarNode) and _tagged(node, ":null")


def _tagged(node: Node, suffix: str) -> bool:
    """Whether the resolved tag ends in `suffix`; ruamel types `tag` as
    optional, and a node without one has no tag to match."""
    tag = node.tag
    return tag is not None and tag.endswith(suffix)


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


# --------------------------------------------------------------------------
# Scalars as text to parse: every character mapped back to the file


def excerpt(node: ScalarNode, path: str) -> Excerpt:
    """The scalar's value with the way back to the file, however it was
    written: plain, quoted with escapes, literal (`|`) or folded (`>`), on
    one line or several. A folded line break is placed at the end of its
    line, so a word just before it ends where it is written."""
    text = str(node.value)
    start, end = node.start_mark, node.end_mark
    line, column = start.line + 1, start.column + 1
    buffer = getattr(start, "buffer", None)
    if not isinstance(buffer, str) or (
        node.style is None and start.line == end.line and "\n" not in text
    ):
        shift = 1 if node.style in ("'", '"') else 0
        return Excerpt.at(path, text, line, column + shift)

    written = buffer[start.index : end.index]
    if node.style == "|":
        return _literal(text, written, line, path)
    skip = 0
    if node.style in ("'", '"'):
        skip = 1
    elif node.style == ">":
        skip = written.find("\n") + 1 or len(written)
    indexes = _alignment(text, written, skip, escapes=node.style == '"')
    return mapped_excerpt(path, text, _places(written, line, column, indexes))


def _literal(text: str, written: str, line: int, path: str) -> Excerpt:
    """A literal block keeps its lines: each row is the end of its line in
    the file, after the indentation."""
    body = written.split("\n")[1:]
    indent = next((len(t) - len(t.lstrip(" ")) for t in body if t.strip()), 0)
    lines = []
    for index, row in enumerate(text.split("\n")):
        source = body[index].rstrip("\r") if index < len(body) else ""
        column = indent + 1
        if row and source.endswith(row):
            column = len(source) - len(row) + 1
        lines.append(ExcerptLine(row, line + 1 + index, column))
    return Excerpt(path, lines)


def _alignment(text: str, written: str, skip: int, *, escapes: bool) -> list[int]:
    """For each character of the value, its index in the written text, and
    one more for the end. What folding and quoting dropped is skipped; an
    escape (`escapes`: double quotes) stands at its backslash; a character
    still not found is looked for a little further on, or keeps the place
    of the last one found."""
    indexes: list[int] = []
    position = skip
    for char in text:
        if char in " \t" and written[position : position + 1] in ("\n", "\r"):
            # A folded line break: placed where the line ends.
            indexes.append(position)
            position += 1
            continue
        found = _skip_dropped(written, position, char, escapes)
        if found < len(written) and written[found] == char:
            indexes.append(found)
            # In double quotes a backslash is written doubled.
            position = found + (2 if escapes and char == "\\" else 1)
        elif written[found : found + 1] and written[found - 1 : found] == "\\":
            indexes.append(found - 1)
            position = found - 1 + _ESCAPE_LENGTH.get(written[found], 2)
        else:
            ahead = written.find(char, position, position + _LOOKAHEAD)
            indexes.append(ahead if ahead >= 0 else position)
            position = ahead + 1 if ahead >= 0 else position
    indexes.append(min(position, len(written)))
    return indexes


def _skip_dropped(written: str, found: int, char: str, escapes: bool) -> int:
    """The index of the next written character that is in the value, or at
    which `char` is written."""
    while found < len(written) and written[found] != char:
        continuation = _CONTINUATION.match(written, found) if escapes else None
        if continuation is not None:
            # An escaped line break: it and the next line's indentation
            # are nothing in the value.
            found = continuation.end()
        elif written[found] in _DROPPED:
            found += 1
        else:
            break
    return found


def _places(
    written: str, line: int, column: int, indexes: list[int]
) -> list[tuple[int, int]]:
    """1-based (line, column) of written indexes, counted from the scalar's
    start at line, column."""
    by_index: list[tuple[int, int]] = []
    for char in written:
        by_index.append((line, column))
        if char == "\n":
            line, column = line + 1, 1
        else:
            column += 1
    by_index.append((line, column))
    return [by_index[min(index, len(written))] for index in indexes]


def script_word(node: ScalarNode, path: str, text: str | None = None) -> Word:
    """An argv item that may be a script of its own (`sh -c WORD`), with its
    excerpt. `raw` is the text as written when it sits on one line, quotes
    kept, so a part of it can be placed exactly. `text` overrides the value
    (compose interpolation); the excerpt is then left out, as it would map
    another text."""
    value = str(node.value)
    where = span(node, path)
    raw = value
    buffer = getattr(node.start_mark, "buffer", None)
    if where.line == where.end_line and isinstance(buffer, str):
        raw = buffer[node.start_mark.index : node.end_mark.index]
    if text is not None and text != value:
        return Word(text, where, value)
    return ExcerptWord(value, where, raw, excerpt(node, path))
