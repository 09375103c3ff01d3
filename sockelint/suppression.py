"""Inline suppression: `sockelint: ignore[SL101] reason` in a comment.

The comment may sit on the finding's line or on the line above; `#`, `//`
and `<!--` comments are all read, so one grammar serves YAML, shell,
Dockerfiles, Jenkinsfiles, JSON with comments and Markdown. A bare
`sockelint: ignore` silences every rule on that line. `sockelint:
ignore-file` in the first lines silences the whole file.

In Markdown the finding sits inside a fenced block, where an HTML comment
cannot go: an `<!-- sockelint: ignore[...] -->` line right before a fence
covers the whole fence.

A comment that silences nothing is reported as SL001 (`unused`), like a
stale `noqa`: left behind after a fix, it would hide the next finding on its
line that it was never meant for. Only a comment naming SL001 itself
(`ignore[SL101, SL001]`) silences an SL001; a bare `ignore` does not, since a
bare `ignore` that silences nothing is just what SL001 is about.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sockelint.finding import Finding
from sockelint.span import Span

UNUSED = "SL001"

_DIRECTIVE = re.compile(
    r"(?:#|//|<!--|/\*)\s*(?P<text>sockelint:\s*(?P<verb>ignore-file|ignore)\b"
    r"(?:\[(?P<rules>[^\]]*)\])?)"
)
_FILE_HEAD = 10
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Directive:
    line: int
    rules: frozenset[str] | None  # None: every rule
    whole_file: bool
    through: int = 0  # the last line it covers; 0: the line below it
    # The directive's own text on its line, `sockelint:` to the `]` (or the
    # end of `ignore`): where an SL001 about it points. End exclusive.
    column: int = 0
    end_column: int = 0
    text: str = ""
    unknown: tuple[str, ...] = ()  # names in the brackets that name no rule

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
        names, unknown = _names(match.group("rules"))
        through = 0
        if text.lstrip().startswith("<!--"):
            through = _fence_end(lines, number)
        found.append(
            Directive(
                number,
                names,
                whole_file,
                through,
                match.start("text") + 1,
                match.end("text") + 1,
                match.group("text"),
                unknown,
            )
        )
    return found


def _names(
    rules: str | None,
) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    """The rule ids a bracket names, and the names in it that are no rule."""
    if rules is None:
        return None, ()
    from sockelint.rules import lookup

    written = [r.strip() for r in rules.split(",") if r.strip()]
    unknown = tuple(name for name in written if lookup(name) is None)
    return frozenset(_key(name) for name in written), unknown


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
    return any(_silences(directive, finding) for directive in active)


def _silences(directive: Directive, finding: Finding) -> bool:
    if not directive.covers(finding.span.line):
        return False
    if directive.rules is None:
        # A bare ignore would otherwise hide the SL001 about itself.
        return finding.rule != UNUSED
    return finding.rule in directive.rules


# Unused directives (SL001) ------------------------------------------------


def unused(
    lines: Sequence[str],
    findings: Sequence[Finding],
    selected: Collection[str],
    complete: bool = True,
) -> list[Directive]:
    """The directives that silence none of `findings` (all findings before
    suppression, of the `selected` rule ids), or that name no rule.

    A directive is judged only when the run could have seen what it is
    for: every rule it names is selected (under `--select SL101` an
    `ignore[SL203]` may well be in use), and for a bare `ignore` or
    `ignore-file` every rule except SL001 is. When the file was not read
    completely (an SL000), its findings are not all known, so only names
    that are no rule are reported."""
    every = _every_rule() <= set(selected)
    stale = []
    for directive in directives(lines):
        if directive.unknown:
            stale.append(directive)
            continue
        named = directive.rules
        judged = every if named is None else named <= set(selected)
        if not (complete and judged):
            continue
        if not any(_silences(directive, f) for f in findings):
            stale.append(directive)
    return stale


def _every_rule() -> set[str]:
    from sockelint.rules import RULES

    return {rule.id for rule in RULES if rule.id != UNUSED}


def unused_findings(
    path: str,
    lines: Sequence[str],
    findings: Sequence[Finding],
    selected: Collection[str],
    complete: bool = True,
) -> list[Finding]:
    """An SL001 for each directive `unused` returns."""
    stale = unused(lines, findings, selected, complete)
    return [_unused_finding(path, directive) for directive in stale]


def _unused_finding(path: str, directive: Directive) -> Finding:
    span = Span(
        path, directive.line, directive.column, directive.line, directive.end_column
    )
    ids = ",".join(sorted(directive.rules)) if directive.rules is not None else "*"

    if directive.unknown:
        names = ", ".join(f"`{name}`" for name in directive.unknown)
        verb = "is no rule id or name" if len(directive.unknown) == 1 else "are none"
        return Finding(
            UNUSED,
            span,
            f"The comment `{directive.text}` names no rule: {names} {verb}, "
            "so the finding it was meant for is not silenced.",
            "Correct the rule id or name (`sockelint rules` lists them), or remove it.",
            f"names no rule: {directive.text} [{ids}]",
        )
    advice = (
        "Remove it, or move it onto the line of the finding it is meant for "
        "(or the line above)."
    )
    if directive.whole_file:
        advice = "Remove it: the file has no finding for it to silence."
    return Finding(
        UNUSED,
        span,
        f"The comment `{directive.text}` silences nothing here: a stale "
        "ignore hides the next finding it was not meant for.",
        advice,
        f"silences nothing: {directive.text} [{ids}]",
    )
