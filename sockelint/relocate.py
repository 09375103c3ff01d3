"""Facts read from embedded text, moved to where that text is written.

A source that holds another kind of file inside it (a Markdown fence, a
Terraform `user_data` string of cloud-init) reads the inner text as a file
of its own, then moves every position in what it found into the outer
file: spans, excerpt lines, and the places of mapped excerpts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace

from sockelint.excerpt import ExcerptLine, MappedExcerpt
from sockelint.span import Span

# 1-based (line, column) in the inner text -> the same in the outer file.
Place = Callable[[int, int], tuple[int, int]]


def move(value: object, place: Place) -> None:
    """Every position in `value` moved by `place`. The facts were just
    made by the inner text's own parse and nothing else holds them, so they
    are changed in place, frozen ones too."""
    _move(value, place, set())


def _move(value: object, place: Place, seen: set[int]) -> object:
    # `seen` keeps an object shared between facts from being moved twice.
    if isinstance(value, Span):
        line, column = place(value.line, value.column)
        end_line, end_column = place(value.end_line, value.end_column)
        return replace(
            value, line=line, column=column, end_line=end_line, end_column=end_column
        )
    if isinstance(value, ExcerptLine):
        line, column = place(value.line, value.column)
        return replace(value, line=line, column=column)
    if isinstance(value, list):
        value[:] = [_move(item, place, seen) for item in value]
    elif isinstance(value, dict):
        for key, item in value.items():
            value[key] = _move(item, place, seen)
    elif is_dataclass(value) and not isinstance(value, type) and id(value) not in seen:
        seen.add(id(value))
        for name in (f.name for f in fields(value)):
            if isinstance(value, MappedExcerpt) and name == "places":
                # (line, column) pairs, not spans.
                value.places = [[place(*p) for p in row] for row in value.places]
                continue
            moved = _move(getattr(value, name), place, seen)
            object.__setattr__(value, name, moved)
    return value
