"""A small, tolerant HCL2 reader with exact positions (Terraform, Nomad).

python-hcl2 gives values without positions, and a finding must point at
the text to change, so this reads HCL's native syntax itself: bodies of
attributes and blocks, quoted strings (escapes resolved, `${...}` and
`%{...}` kept as written), heredocs (`<<EOF`, `<<-EOF`), lists, objects,
numbers, bools, references (`var.x`), function calls, and comments (`#`,
`//`, `/* */`). Anything else an expression may hold (operators,
conditionals, `for` expressions) is kept as an `Other` with its extent and
the literals found inside it.

Every string keeps, for each character of its value, the index in the file
it came from, so an embedded script maps back character by character.

Reading never raises. A syntax error becomes a `Problem` at its line; the
reader then skips to the next line that starts a top-level item and goes
on, keeping what it read of the broken block. Each character is looked at
a bounded number of times (nesting is capped), so hostile input stays
linear.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sockelint import sockets
from sockelint.model import Mount, Problem, Word
from sockelint.span import Span

if TYPE_CHECKING:
    from sockelint.excerpt import Excerpt

# Deeper nesting than this is no hand-written configuration.
MAX_DEPTH = 64

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_ATTRIBUTE = re.compile(r"\.(?:[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|\*)")
_INTERPOLATION = re.compile(r"(?<![$%])[$%]\{")
_SPACE = " \t\r"
# `~` is a template's strip marker (`%{ if x ~}`).
_OPERATORS = "+-*/%<>=!&|?:.~"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


# --------------------------------------------------------------------------
# The syntax tree


@dataclass(slots=True)
class Node:
    start: int  # text index of the first character
    end: int  # text index after the last


@dataclass(slots=True)
class Str(Node):
    """A quoted string or a heredoc: its value with `${...}` kept as text."""

    value: str = ""
    # indexes[i] is the text index of value[i]; one more entry closes it.
    indexes: list[int] = field(default_factory=list)
    interpolated: bool = False
    heredoc: bool = False


@dataclass(slots=True)
class Number(Node):
    text: str = ""


@dataclass(slots=True)
class Bool(Node):
    value: bool = False


@dataclass(slots=True)
class Null(Node):
    pass


@dataclass(slots=True)
class Ref(Node):
    """A variable or traversal (`var.x`, `docker_image.app.image_id`)."""

    text: str = ""


@dataclass(slots=True)
class ListExpr(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class ObjectExpr(Node):
    items: list[tuple[Node, Node]] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        found = None
        for key_node, value in self.items:
            if key_text(key_node) == key:
                found = value
        return found


@dataclass(slots=True)
class Call(Node):
    name: str = ""
    args: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Other(Node):
    """An expression this reader does not evaluate, with what it holds."""

    parts: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Attribute(Node):
    name: str = ""
    name_end: int = 0
    value: Node = field(default_factory=lambda: Null(0, 0))


@dataclass(slots=True)
class Block(Node):
    type: str = ""
    type_end: int = 0
    labels: list[Node] = field(default_factory=list)
    body: Body = field(default_factory=lambda: Body(0, 0))

    def label(self, index: int) -> str:
        if index < len(self.labels):
            return key_text(self.labels[index]) or ""
        return ""


@dataclass(slots=True)
class Body(Node):
    items: list[Attribute | Block] = field(default_factory=list)

    def attribute(self, name: str) -> Attribute | None:
        """The last attribute of that name (HCL forbids two; be lenient)."""
        found = None
        for item in self.items:
            if isinstance(item, Attribute) and item.name == name:
                found = item
        return found

    def value(self, name: str) -> Node | None:
        attribute = self.attribute(name)
        return attribute.value if attribute is not None else None

    def blocks(self, *types: str) -> list[Block]:
        return [i for i in self.items if isinstance(i, Block) and i.type in types]


def key_text(node: Node) -> str | None:
    """An object key or block label as text: a bare name or a literal."""
    if isinstance(node, Ref):
        return node.text
    if isinstance(node, Str) and not node.interpolated:
        return node.value
    return None


def literal(node: Node | None) -> str | None:
    """A literal's value as text: a string without interpolation, a
    number or a bool (`true`/`false`); None for anything computed."""
    if isinstance(node, Str):
        return None if node.interpolated else node.value
    if isinstance(node, Number):
        return node.text
    if isinstance(node, Bool):
        return "true" if node.value else "false"
    return None


def is_true(node: Node | None) -> bool:
    """`true`, or a string Terraform and Nomad convert to it."""
    if isinstance(node, Bool):
        return node.value
    return isinstance(node, Str) and node.value.strip().lower() == "true"


def items_of(node: Node | None) -> list[Node]:
    """The items of a list (a lone value stands for itself, as a list of
    one: Terraform converts it)."""
    if isinstance(node, ListExpr):
        return node.items
    return [] if node is None or isinstance(node, Null) else [node]


def walk(node: Node) -> Iterator[Node]:
    """A node and everything inside it, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, ListExpr):
            stack += reversed(current.items)
        elif isinstance(current, ObjectExpr):
            stack += [n for pair in reversed(current.items) for n in reversed(pair)]
        elif isinstance(current, (Call, Other)):
            stack += reversed(
                current.args if isinstance(current, Call) else current.parts
            )
        elif isinstance(current, Body):
            stack += reversed(current.items)
        elif isinstance(current, Block):
            stack.append(current.body)
        elif isinstance(current, Attribute):
            stack.append(current.value)


# --------------------------------------------------------------------------
# Positions


class Positions:
    """Text indexes turned into 1-based lines and columns."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def place(self, index: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, index) - 1
        return (row + 1, index - self.starts[row] + 1)

    def span(self, start: int, end: int) -> Span:
        line, column = self.place(start)
        end_line, end_column = self.place(max(start, end))
        return Span(self.path, line, column, end_line, end_column)

    def of(self, node: Node) -> Span:
        return self.span(node.start, node.end)


# --------------------------------------------------------------------------
# The reader


class _Error(Exception):
    def __init__(self, index: int, reason: str, *, to_the_end: bool = False) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason
        # An unclosed heredoc or comment takes the rest of the file with it:
        # reading on would report its text as syntax errors.
        self.to_the_end = to_the_end


@dataclass(slots=True)
class Parsed:
    body: Body
    problems: list[Problem]
    positions: Positions


def parse(text: str, path: str) -> Parsed:
    """The file's top-level body, with a Problem for each broken part."""
    reader = _Reader(text)
    positions = Positions(path, text)
    body = Body(0, len(text))
    problems: list[Problem] = []
    while True:
        try:
            reader.body_items(body, top=True)
            break
        except _Error as error:
            line, _ = positions.place(error.index)
            problems.append(
                Problem(Span.point(path, line), f"{error.reason} at line {line}")
            )
            if error.to_the_end or not reader.recover(error.index):
                break
    return Parsed(body, problems, positions)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0
        # Where a search for a closing mark already failed: searching again
        # from later on would fail too, and hostile input repeats them.
        self.unclosed_comment = len(text) + 1
        self.unclosed_heredocs: set[str] = set()

    # Skipping ---------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def skip(self, newlines: bool) -> None:
        """Spaces and comments; newlines too where they mean nothing."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in _SPACE or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = (
                    -1
                    if self.pos >= self.unclosed_comment
                    else text.find("*/", self.pos + 2)
                )
                if end < 0:
                    # No `*/` after here means none after any later `/*`.
                    self.unclosed_comment = min(self.unclosed_comment, self.pos)
                    raise _Error(self.pos, "unterminated comment", to_the_end=True)
                self.pos = end + 2
            else:
                break

    def recover(self, failed: int) -> bool:
        """Move to the next line after `failed` that starts with a name at
        column 1 (the next top-level block); False at the end."""
        self.depth = 0
        pattern = re.compile(r"\n(?=[A-Za-z_])")
        match = pattern.search(self.text, max(failed, self.pos - 1))
        if match is None:
            self.pos = len(self.text)
            return False
        self.pos = match.end()
        return True

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Error(self.pos, f"nesting deeper than {MAX_DEPTH} levels")

    # Bodies -----------------------------------------------------------

    def body_items(self, body: Body, top: bool, opened: int = 0) -> None:
        while True:
            self.skip(newlines=True)
            char = self.peek()
            if not char:
                if not top:
                    # Where the block starts says more than the file's end.
                    raise _Error(opened, "block never closed: `}` missing")
                return
            if char == "}":
                if top:
                    raise _Error(self.pos, "unexpected `}`")
                return
            match = _IDENT.match(self.text, self.pos)
            if match is None:
                raise _Error(self.pos, f"unexpected `{char}`")
            self.item(body, match.group(), match.start())
            self.end_of_item()

    def end_of_item(self) -> None:
        self.skip(newlines=False)
        if self.peek() not in ("\n", "}", ""):
            raise _Error(self.pos, f"unexpected `{self.peek()}` after an item")

    def item(self, body: Body, name: str, start: int) -> None:
        self.pos = start + len(name)
        name_end = self.pos
        self.skip(newlines=False)
        if self.peek() == "=" and self.peek(1) != "=":
            self.pos += 1
            attribute = Attribute(start, start, name, name_end)
            body.items.append(attribute)
            attribute.value = self.expression()
            attribute.end = attribute.value.end
            return

        block = Block(start, start, name, name_end)
        body.items.append(block)
        while self.peek() != "{":
            if self.peek() == '"':
                block.labels.append(self.quoted())
            else:
                label = _IDENT.match(self.text, self.pos)
                if label is None:
                    raise _Error(self.pos, f"`=` or `{{` expected after `{name}`")
                block.labels.append(Ref(label.start(), label.end(), label.group()))
                self.pos = label.end()
            self.skip(newlines=False)
        self.nest()
        block.body.start = self.pos
        self.pos += 1
        self.body_items(block.body, top=False, opened=start)
        self.pos += 1
        self.depth -= 1
        block.body.end = block.end = self.pos

    # Expressions ------------------------------------------------------

    def expression(self, newlines: bool = False) -> Node:
        """Operands joined by operators, up to the end of the expression:
        a newline (outside brackets), `,`, a closing bracket or `=` of the
        next object item."""
        start = self.pos
        parts: list[Node] = []
        operators = 0
        while True:
            self.skip(newlines)
            char = self.peek()
            if not char or char in ",)]}\n" or (char == "=" and self.peek(1) != "="):
                break
            if char in _OPERATORS and not self.at_heredoc():
                self.pos += 1
                operators += 1
                continue
            parts.append(self.operand())
        if len(parts) == 1 and not operators:
            return parts[0]
        if not parts and not operators:
            raise _Error(self.pos, "a value is missing")
        return Other(start, self.pos, parts)

    def at_heredoc(self) -> bool:
        return self.text.startswith("<<", self.pos) and bool(
            _HEREDOC.match(self.text, self.pos)
        )

    def operand(self) -> Node:
        char = self.peek()
        start = self.pos
        if char == '"':
            return self.quoted()
        if char == "<":
            heredoc = _HEREDOC.match(self.text, self.pos)
            if heredoc is None:
                raise _Error(self.pos, "unexpected `<`")
            return self.heredoc(heredoc)
        if char == "[":
            return self.traversal(self.list_expr())
        if char == "{":
            return self.traversal(self.object_expr())
        if char == "(":
            self.nest()
            self.pos += 1
            inner = self.expression(newlines=True)
            self.close(")")
            self.depth -= 1
            return self.traversal(Other(start, self.pos, [inner]))
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            return Number(start, self.pos, number.group())
        name = _IDENT.match(self.text, self.pos)
        if name is None:
            raise _Error(self.pos, f"unexpected `{char}`")
        self.pos = name.end()
        word = name.group()
        if word in ("true", "false"):
            return Bool(start, self.pos, word == "true")
        if word == "null":
            return Null(start, self.pos)
        if self.text.startswith("::", self.pos):  # provider::name::function
            while self.text.startswith("::", self.pos):
                more = _IDENT.match(self.text, self.pos + 2)
                if more is None:
                    break
                self.pos = more.end()
            word = self.text[start : self.pos]
        if self.peek() == "(":
            return self.traversal(self.call(word, start))
        return self.traversal(Ref(start, self.pos, word))

    def traversal(self, node: Node) -> Node:
        """`.name`, `.0`, `.*`, `[index]` and `[*]` after a value."""
        while True:
            char = self.peek()
            more = _ATTRIBUTE.match(self.text, self.pos) if char == "." else None
            if more is not None:
                self.pos = more.end()
            elif char == "[":
                self.nest()
                self.pos += 1
                self.skip(newlines=True)
                if self.peek() == "*":
                    self.pos += 1
                else:
                    self.expression(newlines=True)
                self.close("]")
                self.depth -= 1
            else:
                break
            if isinstance(node, Ref):
                node.text = self.text[node.start : self.pos]
                node.end = self.pos
            elif not isinstance(node, Other):
                node = Other(node.start, self.pos, [node])
            node.end = self.pos
        return node

    def close(self, char: str) -> None:
        self.skip(newlines=True)
        if self.peek() != char:
            found = self.peek()
            what = f"`{found}`" if found else "the end of the file"
            raise _Error(self.pos, f"`{char}` expected, found {what}")
        self.pos += 1

    def call(self, name: str, start: int) -> Call:
        self.nest()
        self.pos += 1
        call = Call(start, start, name)
        while True:
            self.skip(newlines=True)
            if self.peek() == ")":
                break
            call.args.append(self.expression(newlines=True))
            self.skip(newlines=True)
            if self.text.startswith("...", self.pos):
                self.pos += 3
                self.skip(newlines=True)
            if self.peek() != ",":
                break
            self.pos += 1
        self.close(")")
        self.depth -= 1
        call.end = self.pos
        return call

    def list_expr(self) -> Node:
        start = self.pos
        self.nest()
        self.pos += 1
        self.skip(newlines=True)
        if self.text.startswith("for", self.pos) and not _continues(
            self.text, self.pos + 3
        ):
            parts = self.for_expression("]")
            self.depth -= 1
            return Other(start, self.pos, parts)
        node = ListExpr(start, start)
        while True:
            self.skip(newlines=True)
            if self.peek() == "]":
                break
            node.items.append(self.expression(newlines=True))
            self.skip(newlines=True)
            if self.peek() != ",":
                break
            self.pos += 1
        self.close("]")
        self.depth -= 1
        node.end = self.pos
        return node

    def object_expr(self) -> Node:
        start = self.pos
        self.nest()
        self.pos += 1
        self.skip(newlines=True)
        if self.text.startswith("for", self.pos) and not _continues(
            self.text, self.pos + 3
        ):
            parts = self.for_expression("}")
            self.depth -= 1
            return Other(start, self.pos, parts)
        node = ObjectExpr(start, start)
        while True:
            self.skip(newlines=True)
            if self.peek() == "}":
                break
            key = self.operand()
            self.skip(newlines=False)
            if self.peek() not in ("=", ":"):
                raise _Error(self.pos, "`=` expected after an object key")
            self.pos += 1
            node.items.append((key, self.expression(newlines=False)))
            self.skip(newlines=False)
            if self.peek() == ",":
                self.pos += 1
        self.close("}")
        self.depth -= 1
        node.end = self.pos
        return node

    def for_expression(self, closing: str) -> list[Node]:
        """`[for x in xs : f(x)]`: its operands, up to the closing bracket."""
        parts: list[Node] = []
        while True:
            self.skip(newlines=True)
            char = self.peek()
            if char == closing:
                self.pos += 1
                return parts
            if not char:
                raise _Error(
                    self.pos, f"`{closing}` expected, found the end of the file"
                )
            if (char in _OPERATORS or char in ",=") and not self.at_heredoc():
                self.pos += 1
                continue
            parts.append(self.operand())

    # Strings ----------------------------------------------------------

    def quoted(self) -> Str:
        """A quoted template: escapes resolved, `$${` read as `${`, and an
        interpolation `${...}` or directive `%{...}` kept as written."""
        text = self.text
        start = self.pos
        self.pos += 1
        out: list[str] = []
        indexes: list[int] = []
        interpolated = False
        while True:
            if self.pos >= len(text) or text[self.pos] == "\n":
                raise _Error(start, "unterminated string")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                break
            if char == "\\":
                self.escape(out, indexes)
                continue
            if text.startswith(("$${", "%%{"), self.pos):
                out += [char, "{"]
                indexes += [self.pos, self.pos + 2]
                self.pos += 3
                continue
            if text.startswith(("${", "%{"), self.pos):
                interpolated = True
                self.template(out, indexes)
                continue
            out.append(char)
            indexes.append(self.pos)
            self.pos += 1
        indexes.append(self.pos - 1)
        return Str(start, self.pos, "".join(out), indexes, interpolated)

    def escape(self, out: list[str], indexes: list[int]) -> None:
        text = self.text
        char = text[self.pos + 1] if self.pos + 1 < len(text) else ""
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
            indexes.append(self.pos)
            self.pos += 2
            return
        width = {"u": 4, "U": 8}.get(char, 0)
        digits = text[self.pos + 2 : self.pos + 2 + width]
        if width and re.fullmatch(r"[0-9A-Fa-f]+", digits) and len(digits) == width:
            code = int(digits, 16)
            out.append(chr(code) if code <= 0x10FFFF else "\ufffd")
            indexes.append(self.pos)
            self.pos += 2 + width
            return
        raise _Error(self.pos, "invalid escape in a string")

    def template(self, out: list[str], indexes: list[int]) -> None:
        """`${ ... }` copied as written, strings and braces inside it
        included: the value keeps the expression for the reader to see."""
        start = self.pos
        self.nest()
        self.pos += 2
        self.expression(newlines=True)
        self.skip(newlines=True)
        # A template directive (`%{ if x }`) and a strip marker (`~}`).
        while self.peek() not in ("}", ""):
            if self.peek() == '"':
                self.quoted()
            else:
                self.pos += 1
        self.close("}")
        self.depth -= 1
        out.extend(self.text[start : self.pos])
        indexes += range(start, self.pos)

    def heredoc(self, opener: re.Match[str]) -> Str:
        """`<<EOF` or `<<-EOF`: the lines up to the marker alone on a line;
        `<<-` removes the indentation the lines share."""
        text = self.text
        start = self.pos
        strip, marker = opener.group(1) == "-", opener.group(2)
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t\r]*$", re.MULTILINE)
        found = None
        if marker not in self.unclosed_heredocs:
            found = closing.search(text, opener.end())
        if found is None:
            self.unclosed_heredocs.add(marker)
            reason = f"heredoc `{marker}` is never closed"
            raise _Error(start, reason, to_the_end=True)

        body_start, body_end = opener.end(), found.start()
        lines: list[tuple[int, str]] = []
        index = body_start
        for line in (
            text[body_start:body_end].split("\n")[:-1] if body_end > body_start else []
        ):
            lines.append((index, line))
            index += len(line) + 1
        indent = 0
        if strip:
            widths = [len(t) - len(t.lstrip(" \t")) for _, t in lines if t.strip()]
            indent = min(widths, default=0)

        out: list[str] = []
        indexes: list[int] = []
        for line_start, line in lines:
            cut = min(indent, len(line) - len(line.lstrip(" \t")))
            out.append(line[cut:] + "\n")
            indexes += range(line_start + cut, line_start + len(line) + 1)
        self.pos = found.end()
        value = "".join(out)
        indexes.append(self.pos)
        interpolated = bool(_INTERPOLATION.search(value))
        # `$${` in a heredoc is a literal `${`; keep the two in step.
        if "$${" in value or "%%{" in value:
            value, indexes = _unescape_templates(value, indexes)
        return Str(start, self.pos, value, indexes, interpolated, heredoc=True)


def _continues(text: str, index: int) -> bool:
    """Whether a name goes on at `index` (`format` is not `for`)."""
    return index < len(text) and (text[index].isalnum() or text[index] in "_-")


def _unescape_templates(value: str, indexes: list[int]) -> tuple[str, list[int]]:
    out: list[str] = []
    kept: list[int] = []
    index = 0
    while index < len(value):
        if value.startswith(("$${", "%%{"), index):
            out += [value[index], "{"]
            kept += [indexes[index], indexes[index + 2]]
            index += 3
            continue
        out.append(value[index])
        kept.append(indexes[index])
        index += 1
    kept.append(indexes[-1])
    return "".join(out), kept


# --------------------------------------------------------------------------
# Values as the model wants them


# `${var.name}` alone, or a bare `var.name`.
_VARIABLE_REF = re.compile(r"^var\.([A-Za-z_][A-Za-z0-9_-]*)$")
_TEMPLATE = re.compile(r"\$\{([^{}]*)\}")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(slots=True)
class Values:
    """Words, excerpts and spans of one parsed file's values, with the
    literal defaults of its module's variables (`variable "x" {default}`)
    for what `var.x` stands for."""

    parsed: Parsed
    text: str
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.parsed.positions.path

    def span(self, node: Node) -> Span:
        return self.parsed.positions.of(node)

    def head(self, block: Block) -> Span:
        """A block's declaration: its type and labels."""
        end = block.labels[-1].end if block.labels else block.type_end
        return self.parsed.positions.span(block.start, end)

    def attribute_span(self, attribute: Attribute) -> Span:
        return self.parsed.positions.span(attribute.start, attribute.end)

    def word(self, node: Str) -> Word:
        """A string as a word whose excerpt maps each character back."""
        from sockelint.excerpt import ExcerptWord, mapped_excerpt

        places = [self.parsed.positions.place(i) for i in node.indexes]
        raw = self.text[node.start : node.end]
        excerpt = mapped_excerpt(self.path, node.value, places)
        return ExcerptWord(node.value, self.span(node), raw, excerpt)

    def mount(self, source: Str, target: str | None, read_only: Span | None) -> Mount:
        """A bind mount of the host path written as `source`, which is where
        a finding about it points."""
        word = self.word(source)
        return Mount(
            source=word,
            span=word.span,
            host_path=sockets.normalise(self.value_text(source)) or None,
            target=target,
            read_only=read_only,
        )

    def excerpt(self, node: Str) -> Excerpt:
        from sockelint.excerpt import mapped_excerpt

        places = [self.parsed.positions.place(i) for i in node.indexes]
        return mapped_excerpt(self.path, node.value, places)

    def text_word(self, node: Node | None) -> Word | None:
        """Any written value as a word: a string as itself, a number or
        bool as written, a reference as its resolved value or its text."""
        if node is None:
            return None
        if isinstance(node, Str):
            return self.word(node)
        written = self.text[node.start : node.end]
        value = self.resolved(node)
        return Word(value if value is not None else written, self.span(node), written)

    def resolved(self, node: Node | None) -> str | None:
        """The value a node stands for where it is known: a literal, or a
        `var.x` whose default is a literal; None otherwise."""
        if isinstance(node, Ref):
            variable = _VARIABLE_REF.match(node.text)
            return self.variables.get(variable.group(1)) if variable else None
        if isinstance(node, Str) and node.interpolated:
            return None
        return literal(node)

    def value_text(self, node: Str) -> str:
        """A string's value with `${var.x}` replaced by known defaults and
        any other interpolation made a shell-style unknown (`$HCL_VALUE`),
        which socket path matching treats as a variable it cannot read."""

        def replace(match: re.Match[str]) -> str:
            inner = match.group(1).strip()
            variable = _VARIABLE_REF.match(inner)
            if variable and variable.group(1) in self.variables:
                return self.variables[variable.group(1)]
            if _PLAIN_NAME.match(inner):
                return "${" + inner + "}"  # Nomad's `${NOMAD_TASK_DIR}`
            return "$HCL_VALUE"

        return _TEMPLATE.sub(replace, node.value) if node.interpolated else node.value


def variable_defaults(body: Body) -> dict[str, str]:
    """`variable "name" { default = "literal" }` of a body."""
    found: dict[str, str] = {}
    for block in body.blocks("variable"):
        value = literal(block.body.value("default"))
        name = block.label(0)
        if name and value is not None:
            found[name] = value
    return found
