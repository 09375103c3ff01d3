"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=compose.yaml,line=5,col=9,endLine=5,endColumn=53,\
    title=SL101 engine-socket-mount::The Docker socket ...

(one line, broken here to fit).

Values are escaped as the Actions toolkit does (`escapeData` for the
message, `escapeProperty` for the properties): a `%`, line break, `:` or
`,` inside a value would otherwise end it early. Columns are written only
for a single-line span, as the checks API accepts them only then; the end
column is exclusive, as everywhere in sockelint.
"""

from __future__ import annotations

from typing import TextIO

from sockelint.finding import Finding
from sockelint.report import Report, name

# The workflow command for each severity; `notice` is GitHub's word for note.
COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def write(report: Report, out: TextIO, err: TextIO) -> None:
    for finding in report.findings:
        out.write(annotation(finding, report.level(finding.rule)) + "\n")


def annotation(finding: Finding, level: str) -> str:
    span = finding.span
    properties = [("file", span.path), ("line", str(span.line))]
    if span.end_line == span.line:
        properties.append(("col", str(span.column)))
    properties.append(("endLine", str(span.end_line)))
    if span.end_line == span.line:
        properties.append(("endColumn", str(span.end_column)))
    properties.append(("title", f"{finding.rule} {name(finding.rule)}".strip()))

    written = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = finding.message
    if finding.advice:
        message += "\n\nAdvice: " + finding.advice
    return f"::{COMMANDS.get(level, 'warning')} {written}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
