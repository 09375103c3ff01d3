"""Text cut out of a file, with the way back to the file's positions.

A shell script inside a Makefile recipe, a Dockerfile RUN, a YAML block
scalar or a Markdown fence is handed to the shell source as an `Excerpt`:
the lines of the embedded text, each with the file line it came from and
the column where it starts there. Positions found in the excerpt are mapped
back with `span()`, so a finding points into the real file. Text that is not
a verbatim copy of the file (a folded or escaped YAML scalar) is a
`MappedExcerpt`, with the place of every character.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sockelint.model import Word
from sockelint.span import Span


@dataclass(frozen=True, slots=True)
class ExcerptLine:
    text: str
    line: int  # 1-based line in the file
    column: int  # 1-based column in the file of the excerpt line's first char


@dataclass(slots=True)
class Excerpt:
    path: str
    lines: list[ExcerptLine] = field(default_factory=list)

    @classmethod
    def whole(cls, path: str, text: str, first_line: int = 1) -> Excerpt:
        """An excerpt that is the text itself, starting at `first_line`."""
        lines = text.split("\n")
        return cls(
            path,
            [ExcerptLine(t, first_line + i, 1) for i, t in enumerate(lines)],
        )

    @classmethod
    def at(cls, path: str, text: str, line: int, column: int) -> Excerpt:
        """A one-piece string that starts at line, column of the file.

        Lines after the first are taken to start at column 1: right for a
        quoted string that runs on, approximate for folded YAML scalars.
        """
        pieces = text.split("\n")
        out = [ExcerptLine(pieces[0], line, column)]
        out += [ExcerptLine(t, line + i, 1) for i, t in enumerate(pieces[1:], 1)]
        return cls(path, out)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def position(self, row: int, column: int) -> tuple[int, int]:
        """File (line, column), 1-based, of 0-based (row, column) in the text."""
        if not self.lines:
            return (1, 1)
        row = max(0, min(row, len(self.lines) - 1))
        piece = self.lines[row]
        return (piece.line, piece.column + column)

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        """Span of 0-based (row, column) start and exclusive end."""
        line, column = self.position(*start)
        end_line, end_column = self.position(*end)
        return Span(self.path, line, column, end_line, end_column)


Place = tuple[int, int]  # 1-based (line, column) in the file


@dataclass(slots=True)
class MappedExcerpt(Excerpt):
    """An excerpt whose every character has its own place in the file: the
    value of a folded or escaped YAML scalar, or of a Groovy string, is not a
    verbatim copy of the file's text, so rows cannot be mapped by one offset
    each."""

    places: list[list[Place]] = field(default_factory=list)

    def position(self, row: int, column: int) -> tuple[int, int]:
        if not self.places:
            return (1, 1)
        row = max(0, min(row, len(self.places) - 1))
        places = self.places[row]
        if column < len(places):
            return places[column]
        line, last = places[-1]
        return (line, last + column - len(places) + 1)

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        """The exclusive end is just after the last character: the place of
        the next one may be on another line (a folded line break)."""
        line, column = self.position(*start)
        if end[1] > 0 and end > start:
            end_line, end_column = self.position(end[0], end[1] - 1)
            return Span(self.path, line, column, end_line, end_column + 1)
        end_line, end_column = self.position(*end)
        return Span(self.path, line, column, end_line, end_column)


def mapped_excerpt(path: str, text: str, places: list[Place]) -> MappedExcerpt:
    """`places[i]` is where `text[i]` is written; one more place may follow
    for the end of the text."""
    rows = text.split("\n")
    row_places: list[list[Place]] = []
    lines: list[ExcerptLine] = []
    index = 0
    for row in rows:
        own = places[index : index + len(row)]
        after = places[index + len(row)] if index + len(row) < len(places) else None
        fallback = after or (places[-1] if places else (1, 1))
        # The place after the row's last character closes spans that end it.
        end = (own[-1][0], own[-1][1] + 1) if own else fallback
        row_places.append([*own, end])
        first = own[0] if own else fallback
        lines.append(ExcerptLine(row, first[0], first[1]))
        index += len(row) + 1
    return MappedExcerpt(path, lines, row_places)


@dataclass(frozen=True, slots=True)
class ExcerptWord(Word):
    """A word that is a script of its own (a Kubernetes `args` item, a
    compose `command` list item), carrying the excerpt that maps its text
    back to the file: the shell source parses `sh -c WORD` through it."""

    excerpt: Excerpt | None = field(default=None, compare=False)
