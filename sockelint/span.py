"""Positions in a scanned file.

Every value a finding can point at carries a `Span`. Lines and columns are
1-based and the end column is exclusive (the column after the last
character), which is what SARIF, GitHub annotations and editors expect.
Parsers convert their own positions once, at the boundary, into spans.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int = 1) -> Span:
        return cls(path, line, column, line, column + 1)

    def contains(self, other: Span) -> bool:
        """Whether `other` lies within this span (and is not the same)."""
        if other == self:
            return False
        starts_after = (other.line, other.column) >= (self.line, self.column)
        ends_before = (other.end_line, other.end_column) <= (
            self.end_line,
            self.end_column,
        )
        return starts_after and ends_before

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(self.path, start[0], start[1], end[0], end[1])
