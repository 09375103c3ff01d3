"""A GitLab code quality report: a JSON array of issues in the Code Climate
shape GitLab reads (`artifacts:reports:codequality`).

GitLab keys issues by `fingerprint` and shows one issue per fingerprint, so
two findings that share one (the same mount written twice in a file) get
distinct fingerprints by their order.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, TextIO

from sockelint.finding import Finding
from sockelint.report import Report

# GitLab's scale is info, minor, major, critical, blocker.
SEVERITIES = {"error": "critical", "warning": "major", "note": "minor"}


def write(report: Report, out: TextIO, err: TextIO) -> None:
    seen: Counter[str] = Counter()
    issues = []
    for finding in report.findings:
        fingerprint = finding.fingerprint()
        seen[fingerprint] += 1
        issues.append(_issue(finding, report.level(finding.rule), seen[fingerprint]))
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _issue(finding: Finding, level: str, occurrence: int) -> dict[str, Any]:
    fingerprint = finding.fingerprint()
    if occurrence > 1:
        key = f"{fingerprint}:{occurrence}"
        fingerprint = hashlib.sha256(key.encode()).hexdigest()[:16]
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
