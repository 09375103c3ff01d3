"""Inline suppression: `sockelint: ignore[SL101] reason` in a comment.

The comment may sit on the finding's line or on the line above; `#`, `//`
and `<!--` comments are all read, so one grammar serves YAML, shell,
Dockerfiles, Jenkinsfiles, JSON with comments and Markdown. A bare
`sockelint: ignore` silences every rule on that line. `sockelint:
ignore-file` in the first lines silences the whole file.

In Markdown the finding sits inside a fenced block, where an HTML comment
cannot go: an `<!-- sockelint: ignore[...] -->` line right before a fence
covers the whole fence.
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
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Directive:
    line: int
    rules: frozenset[str] | None  # None: every rule
    whole_file: bool
    through: int = 0  # the last line it covers; 0: the line below it

    def covers(self, line: int) -> bool:
        if self.whole_file:
            return True
        return self.line <= line <= max(self.through, self.line + 1)


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
        through = 0
        if text.lstrip().startswith("<!--"):
            through = _fence_end(lines, number)
        found.append(Directive(number, names, whole_file, through))
    return found


def _fence_end(lines: Sequence[str], number: int) -> int:
    """The closing line of a fence opened right below line `number`, or 0."""
    if number >= len(lines):
        return 0
    opening = _FENCE.match(lines[number])
    if opening is None:
        return 0
    fence = opening.group("fence")
    for index in range(number + 1, len(lines)):
        closing = lines[index].strip()
        if closing.startswith(fence[0] * len(fence)) and not closing.strip(fence[0]):
            return index + 1
    return len(lines)


def _key(name: str) -> str:
    """Rule ids and names both name a rule; compare on the id."""
    from sockelint.rules import lookup

    name = name.strip()
    rule = lookup(name)
    return rule.id if rule else name.upper()


def apply(lines: Sequence[str], findings: list[Finding]) -> list[Finding]:
    return partition(lines, findings)[0]


def partition(
    lines: Sequence[str], findings: list[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """The findings kept and those an inline comment silences; the summary
    counts the silenced ones."""
    if not findings:
        return findings, []
    active = directives(lines)
    if not active:
        return findings, []
    kept: list[Finding] = []
    silenced: list[Finding] = []
    for finding in findings:
        (silenced if _silenced(finding, active) else kept).append(finding)
    return kept, silenced


def _silenced(finding: Finding, active: list[Directive]) -> bool:
    for directive in active:
        applies = directive.covers(finding.span.line)
        if applies and (directive.rules is None or finding.rule in directive.rules):
            return True
    return False
