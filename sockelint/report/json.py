"""The JSON report of DESIGN.md: findings, skipped files, scanned count."""

from __future__ import annotations

import json
from typing import Any, TextIO

from sockelint.finding import Finding
from sockelint.report import Report, name


def write(report: Report, out: TextIO, err: TextIO) -> None:
    document = {
        "findings": [
            _finding(f, report.level(f.rule), fingerprint)
            for f, fingerprint in zip(
                report.findings, report.fingerprints(), strict=True
            )
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "scanned": report.scanned,
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _finding(finding: Finding, level: str, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    return {
        "rule": finding.rule,
        "name": name(finding.rule),
        "severity": level,
        "path": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": finding.message,
        "advice": finding.advice,
        "fingerprint": fingerprint,
    }
