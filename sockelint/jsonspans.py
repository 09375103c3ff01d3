"""JSON as a tree of values that remember where they are written.

The standard `json` module forgets positions, and a finding must point at
the `hosts` entry of a daemon.json or the `Source` of a `docker inspect`
mount. This small scanner reads strict JSON (plus `//` and `/* */` comments,
which cost nothing, and on request trailing commas) and maps every value
through an `Excerpt`, so JSON written by a script
(`echo '{...}' > /etc/docker/daemon.json`) points into the script.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from sockelint.excerpt import Excerpt
from sockelint.model import Problem, Word
from sockelint.span import Span

# Deeper than any real config; well before Python's recursion limit.
MAX_DEPTH = 200

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n",
            "r": "\r", "t": "\t"}  # fmt: skip
_LITERALS = {"true": True, "false": False, "null": None}


class JsonError(ValueError):
    def __init__(self, reason: str, span: Span) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span

    @property
    def problem(self) -> Problem:
        """The SL000 problem every JSON source reports for it."""
        return Problem(self.span, f"not valid JSON: {self.reason}")


@dataclass(slots=True)
class Node:
    """A JSON value: `value` is str, int, float, bool or None for scalars,
    a list of nodes for arrays and a list of `Member`s for objects."""

    kind: str  # object, array, string, number, literal
    value: object
    span: Span
    members: list[Member] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        """The last member of that name (as `json.loads` keeps the last)."""
        for member in reversed(self.members):
            if member.key == key:
                return member.value
        return None

    def word(self) -> Word:
        return Word(str(self.value) if self.value is not None else "", self.span)

    @property
    def text(self) -> str | None:
        return self.value if isinstance(self.value, str) else None


@dataclass(slots=True)
class Member:
    key: str
    key_span: Span
    value: Node


def parse(text: str, excerpt: Excerpt, *, trailing_commas: bool = False) -> Node:
    """The root value of `text`; raises `JsonError` with a span.

    `trailing_commas` accepts a comma before `}` or `]`, as JSON with
    comments (devcontainer.json, VS Code settings) does.
    """
    scanner = _Scanner(text, excerpt, trailing_commas)
    scanner.skip()
    root = scanner.value(0)
    scanner.skip()
    if scanner.at < len(text):
        raise scanner.error("unexpected text after the JSON value")
    return root


class _Scanner:
    def __init__(self, text: str, excerpt: Excerpt, trailing_commas: bool) -> None:
        self.text = text
        self.excerpt = excerpt
        self.trailing_commas = trailing_commas
        self.at = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, offset) - 1
        return (row, offset - self.starts[row])

    def span(self, start: int, end: int) -> Span:
        return self.excerpt.span(self.position(start), self.position(end))

    def error(self, reason: str) -> JsonError:
        row, column = self.position(min(self.at, len(self.text)))
        line, col = self.excerpt.position(row, column)
        return JsonError(reason, Span(self.excerpt.path, line, col, line, col + 1))

    def skip(self) -> None:
        """Whitespace and comments."""
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t\r\n\ufeff":
                self.at += 1
            elif text.startswith("//", self.at):
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
            elif text.startswith("/*", self.at):
                end = text.find("*/", self.at + 2)
                if end < 0:
                    raise self.error("unterminated comment")
                self.at = end + 2
            else:
                return

    def value(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.error("nested too deeply")
        if self.at >= len(self.text):
            raise self.error("unexpected end of file, a value was expected")
        char = self.text[self.at]
        if char == "{":
            return self.object(depth)
        if char == "[":
            return self.array(depth)
        if char == '"':
            start = self.at
            string = self.string()
            return Node("string", string, self.span(start, self.at))
        return self.scalar()

    def object(self, depth: int) -> Node:
        start = self.at
        node = Node("object", None, self.span(start, start + 1))
        self.at += 1
        self.skip()
        if self.peek() == "}":
            self.at += 1
            node.span = self.span(start, self.at)
            return node
        while True:
            self.skip()
            if self.trailing_commas and self.peek() == "}" and node.members:
                self.at += 1
                node.span = self.span(start, self.at)
                return node
            if self.peek() != '"':
                raise self.error("expected a quoted member name")
            key_start = self.at
            key = self.string()
            key_span = self.span(key_start, self.at)
            self.skip()
            self.expect(":")
            self.skip()
            node.members.append(Member(key, key_span, self.value(depth + 1)))
            self.skip()
            if self.peek() == ",":
                self.at += 1
                continue
            self.expect("}")
            node.span = self.span(start, self.at)
            return node

    def array(self, depth: int) -> Node:
        start = self.at
        node = Node("array", None, self.span(start, start + 1))
        self.at += 1
        self.skip()
        if self.peek() == "]":
            self.at += 1
            node.span = self.span(start, self.at)
            return node
        while True:
            self.skip()
            if self.trailing_commas and self.peek() == "]" and node.items:
                self.at += 1
                node.span = self.span(start, self.at)
                return node
            node.items.append(self.value(depth + 1))
            self.skip()
            if self.peek() == ",":
                self.at += 1
                continue
            self.expect("]")
            node.span = self.span(start, self.at)
            return node

    def string(self) -> str:
        self.at += 1
        out: list[str] = []
        text = self.text
        while True:
            if self.at >= len(text):
                raise self.error("unterminated string")
            char = text[self.at]
            if char == '"':
                self.at += 1
                return "".join(out)
            if char == "\n":
                raise self.error("line break inside a string")
            if char == "\\":
                out.append(self.escape())
                continue
            out.append(char)
            self.at += 1

    def escape(self) -> str:
        code = self.text[self.at + 1 : self.at + 2]
        if code in _ESCAPES:
            self.at += 2
            return _ESCAPES[code]
        digits = self.text[self.at + 2 : self.at + 6]
        if code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", digits):
            self.at += 6
            return chr(int(digits, 16))
        raise self.error("invalid escape in a string")

    def scalar(self) -> Node:
        start = self.at
        for word, value in _LITERALS.items():
            if self.text.startswith(word, start):
                self.at += len(word)
                return Node("literal", value, self.span(start, self.at))
        match = _NUMBER.match(self.text, start)
        if not match:
            raise self.error(f"unexpected character `{self.text[start]}`")
        self.at = match.end()
        number = match.group()
        parsed = float(number) if any(c in number for c in ".eE") else int(number)
        return Node("number", parsed, self.span(start, self.at))

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "end of file"
            raise self.error(f"expected `{char}`, found `{found}`")
        self.at += 1
