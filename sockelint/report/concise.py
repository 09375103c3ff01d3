"""`path:line:column: SLxxx message`, one finding a line and nothing else.

This is the shape vim's default errorformat (`%f:%l:%c: %m`), emacs
compilation mode and VS Code problem matchers read.
"""

from __future__ import annotations

from typing import TextIO

from sockelint.report import Report


def write(report: Report, out: TextIO, err: TextIO) -> None:
    for finding in report.findings:
        span = finding.span
        message = " ".join(finding.message.split())
        out.write(f"{span.path}:{span.line}:{span.column}: {finding.rule} {message}\n")
