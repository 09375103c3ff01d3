"""Inline suppression: `sockelint: ignore[SL101] reason` in a comment.

The comment may sit on the finding's line or on the line above; `#`, `//`
and `<!--` comments are all read, so one grammar serves YAML, shell,
Dockerfiles, Jenkinsfiles, JSON with comments and Markdown. A bare
`sockelint: ignore` silences every rule on that line. `sockelint:
ignore-file` in the first lines silences the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sockelint.finding import Finding

_DIRECTIVE = re.compile(
    r"(?:#|//|<!--|/\*)\s*sockelint:\s*(?P<verb>ignore-file|ignore)\b"
    r"(?:\[(?P<rules>[^\]]*)\])?"
)
_FILE_HEAD = 10


@dataclass(frozen=True, slots=True)
class Directive:
    line: int
    rules: frozenset[str] | None  # None: every rule
    whole_file: bool


def directives(lines: Sequence[str]) -> list[Directive]:
    found = []
    for number, text in enumerate(lines, start=1):
        if "sockelint" not in text:
            continue
        match = _DIRECTIVE.search(text)
        if match is None:
            continue
        whole_file = match.group("verb") == "ignore-file"
        if whole_file and number > _FILE_HEAD:
            continue
        rules = match.group("rules")
        names = None
        if rules is not None:
            names = frozenset(_key(r) for r in rules.split(",") if r.strip())
        found.append(Directive(number, names, whole_file))
    return found


def _key(name: str) -> str:
    """Rule ids and names both name a rule; compare on the id."""
    from sockelint.rules import lookup

    name = name.strip()
    rule = lookup(name)
    return rule.id if rule else name.upper()


def apply(lines: Sequence[str], findings: list[Finding]) -> list[Finding]:
    if not findings:
        return findings
    active = directives(lines)
    if not active:
        return findings
    return [f for f in findings if not _silenced(f, active)]


def _silenced(finding: Finding, active: list[Directive]) -> bool:
    for directive in active:
        applies = directive.whole_file or directive.line in (
            finding.span.line,
            finding.span.line - 1,
        )
        if applies and (directive.rules is None or finding.rule in directive.rules):
            return True
    return False
