"""A GitLab code quality report: a JSON array of issues in the Code Climate
shape GitLab reads (`artifacts:reports:codequality`).

GitLab keys issues by `fingerprint` and shows one issue per fingerprint;
`Report.fingerprints()` keeps them unique.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from sockelint.finding import Finding
from sockelint.report import Report

# GitLab's scale is info, minor, major, critical, blocker.
SEVERITIES = {"error": "critical", "warning": "major", "note": "minor"}


def write(report: Report, out: TextIO, err: TextIO) -> None:
    issues = [
        _issue(finding, report.level(finding.rule), fingerprint)
        for finding, fingerprint in zip(
            report.findings, report.fingerprints(), strict=True
        )
    ]
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _issue(finding: Finding, level: str, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{finding.rule} {' '.join(finding.message.split())}",
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES.get(level, "info"),
        "location": {
            "path": finding.span.path,
            "lines": {"begin": finding.span.line},
        },
    }
