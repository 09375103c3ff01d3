"""Text cut out of a file, with the way back to the file's positions.

A shell script inside a Makefile recipe, a Dockerfile RUN, a YAML block
scalar or a Markdown fence is handed to the shell source as an `Excerpt`:
the lines of the embedded text, each with the file line it came from and
the column where it starts there. Positions found in the excerpt are mapped
back with `span()`, so a finding points into the real file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
