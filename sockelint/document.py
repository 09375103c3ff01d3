"""A file's text as read, with the name findings will carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from sockelint.span import Span


@dataclass(slots=True)
class Document:
    path: str  # as reported: relative to the working directory, with `/`
    text: str
    kind: str = ""
    # Where the file is on disk, for sources that read a neighbour (the
    # `.env` beside a compose file, a chart's `Chart.yaml`); None for stdin.
    location: str | None = None
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def whole(self) -> Span:
        """A span over the first line: for findings about the whole file."""
        first = self.lines[0] if self.lines else ""
        return Span(self.path, 1, 1, 1, max(2, len(first) + 1))
