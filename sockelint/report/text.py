"""The default, for people: each finding with its source line, a marker under
the span and the advice; a summary on stderr.

    compose.yaml:5:9: SL101 [error] The Docker socket ...
       5 |       - /var/run/docker.sock:/var/run/docker.sock
         |         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = advice: ...
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from sockelint.finding import Finding
from sockelint.report import Report

_COLORS = {"error": "31", "warning": "33", "note": "36"}

Paint = Callable[[str, str], str]


def write(report: Report, out: TextIO, err: TextIO) -> None:
    paint = _painter(report.color)
    for finding in report.findings:
        level = report.level(finding.rule)
        out.write(_heading(finding, level, paint))
        source = report.lines.get(finding.span.path)
        out.write(_excerpt(finding, level, source, paint))
        if finding.advice:
            gutter = " " * _gutter_width(finding)
            out.write(f"{gutter} = advice: {finding.advice}\n")
        out.write("\n")
    err.write(summary(report) + "\n")


def summary(report: Report) -> str:
    counts = Counter(report.level(f.rule) for f in report.findings)
    files = _plural(report.scanned, "file")
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    suppressed = _suppressed(report)
    if not report.findings:
        return f"No findings in {files} scanned{skipped}{suppressed}."
    parts = ", ".join(
        _plural(counts[level], level) for level in _COLORS if counts[level]
    )
    total = _plural(len(report.findings), "finding")
    return f"{total} ({parts}) in {files} scanned{skipped}{suppressed}."


def _suppressed(report: Report) -> str:
    """What was left out and why, so a quiet run is not mistaken for a
    clean one."""
    total = sum(report.suppressed.values())
    if not total:
        return ""
    causes = ", ".join(
        f"{count} {cause}"
        for cause, count in sorted(report.suppressed.items())
        if count
    )
    return f"; {total} suppressed ({causes})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _painter(color: bool) -> Paint:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    return paint


def _heading(finding: Finding, level: str, paint: Paint) -> str:
    span = finding.span
    where = paint(f"{span.path}:{span.line}:{span.column}:", "1")
    tag = paint(f"{finding.rule} [{level}]", _COLORS.get(level, "0"))
    return f"{where} {tag} {finding.message}\n"


def _gutter_width(finding: Finding) -> int:
    return max(4, len(str(finding.span.line)) + 1)


def _excerpt(
    finding: Finding, level: str, lines: list[str] | None, paint: Paint
) -> str:
    span = finding.span
    if not lines or not 1 <= span.line <= len(lines):
        return ""
    source = lines[span.line - 1]
    start = min(max(span.column, 1), len(source) + 1)
    end = span.end_column if span.end_line == span.line else len(source) + 1
    end = max(start + 1, min(end, len(source) + 1))

    # A minified or generated line would fill the terminal: show a window
    # around the span, marked as cut where it is.
    first = max(0, start - 1 - _CONTEXT)
    last = min(len(source), max(end - 1, start) + _CONTEXT)
    shown = source[first:last]
    before = "…" if first > 0 else ""
    after = "…" if last < len(source) else ""

    # Tabs stay tabs and wide characters take two cells, so the marker
    # lines up under the text in a terminal.
    padding = before and " "
    padding += "".join(_blank(c) for c in source[first : start - 1])
    width = max(1, sum(_cells(c) for c in source[start - 1 : end - 1]))
    marker = paint("^" + "~" * (width - 1), _COLORS.get(level, "0"))
    gutter = _gutter_width(finding)
    return (
        f"{span.line:>{gutter}} | {before}{shown}{after}\n"
        f"{'':>{gutter}} | {padding}{marker}\n"
    )


# Characters of the line shown on each side of the span.
_CONTEXT = 60


def _cells(char: str) -> int:
    """Terminal cells a character takes: two for East Asian wide ones."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _blank(char: str) -> str:
    return "\t" if char == "\t" else " " * _cells(char)
