"""SL000: a file of a known kind that could not be read or parsed."""

from __future__ import annotations

from collections.abc import Iterator

from sockelint.finding import Finding
from sockelint.model import Facts


def check_invalid_file(facts: Facts) -> Iterator[Finding]:
    for problem in facts.problems:
        yield Finding(
            "SL000",
            problem.span,
            f"Could not read this {facts.kind} file: {problem.reason}",
            subject=problem.reason,
        )
