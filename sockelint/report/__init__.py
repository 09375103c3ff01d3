"""Reporters: one module per output format, chosen from one table.

`FORMATS` drives the `--format` choices, their help text and the dispatch;
adding a format is one row here and one module with
`write(report, out, err) -> None`. Modules are imported only when chosen, so
the cost of a heavy format (SARIF) is paid only by runs that ask for it.
"""

from __future__ import annotations

import hashlib
import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from sockelint.finding import Finding
from sockelint.rules import lookup


@dataclass(frozen=True, slots=True)
class Skip:
    path: str
    reason: str


@dataclass(slots=True)
class Report:
    """Everything a run found, for a reporter to write."""

    findings: list[Finding]
    skipped: list[Skip] = field(default_factory=list)
    scanned: int = 0
    # The scanned text by reported path, for excerpts under findings.
    lines: dict[str, list[str]] = field(default_factory=dict)
    color: bool = False
    # Severity overrides from the configuration, by rule id.
    severities: dict[str, str] = field(default_factory=dict)
    # Findings left out of `findings`, counted by why: inline, config,
    # allowlist, baseline.
    suppressed: Counter[str] = field(default_factory=Counter)
    # The folder reported paths are relative to; "" is the working directory.
    root: str = ""

    def level(self, rule_id: str) -> str:
        """A finding's severity: the configuration's override or the rule's."""
        return self.severities.get(rule_id) or severity(rule_id)

    def fingerprints(self) -> list[str]:
        """One fingerprint per finding, in order, unique within the report.

        Two findings can be about the same thing (five `docker run -v
        /var/run/docker.sock:...` of one image in a script); code scanning
        and GitLab merge results that share a fingerprint, so the second and
        later get their occurrence number hashed in. Lines still play no
        part, so moving code keeps every fingerprint.
        """
        seen: Counter[str] = Counter()
        unique = []
        for finding in self.findings:
            fingerprint = finding.fingerprint()
            seen[fingerprint] += 1
            if seen[fingerprint] > 1:
                key = f"{fingerprint}:{seen[fingerprint]}"
                fingerprint = hashlib.sha256(key.encode()).hexdigest()[:16]
            unique.append(fingerprint)
        return unique


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    help: str
    module: str
    # Whether the format carries skipped files itself; otherwise the CLI
    # writes one line per skipped file on stderr.
    lists_skipped: bool = False


FORMATS: tuple[Format, ...] = (
    Format(
        "text",
        "findings with the source line, a marker under the span and advice",
        "sockelint.report.text",
    ),
    Format(
        "concise",
        "one `path:line:column: SLxxx message` line per finding, for editors",
        "sockelint.report.concise",
    ),
    Format(
        "json",
        "an object with findings, skipped files and the scanned count",
        "sockelint.report.json",
        lists_skipped=True,
    ),
    Format(
        "sarif",
        "SARIF 2.1.0 for code scanning (GitHub and others), skipped files as "
        "tool notifications",
        "sockelint.report.sarif",
        lists_skipped=True,
    ),
    Format(
        "github",
        "GitHub Actions workflow commands: an annotation per finding",
        "sockelint.report.github",
    ),
    Format(
        "gitlab",
        "a GitLab code quality report (JSON)",
        "sockelint.report.gitlab",
    ),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}

Writer = Callable[[Report, TextIO, TextIO], None]


def writer(name: str) -> Writer:
    module = importlib.import_module(BY_NAME[name].module)
    write: Writer = module.write
    return write


def severity(rule_id: str) -> str:
    """A finding's severity, from the rule registry."""
    rule = lookup(rule_id)
    return rule.severity if rule else "error"


def name(rule_id: str) -> str:
    rule = lookup(rule_id)
    return rule.name if rule else ""
