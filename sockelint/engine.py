"""One file through the pipeline: source, derived facts, rules, suppression."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sockelint import derive, sources, suppression
from sockelint.document import Document
from sockelint.finding import Finding
from sockelint.model import Facts, Problem
from sockelint.rules import Rule

log = logging.getLogger(__name__)


def facts_of(document: Document) -> Facts:
    """The facts of one document; a crash in a source is an SL000, not a
    traceback, so one odd file never stops the run."""
    try:
        facts = sources.parser(document.kind)(document)
        return derive.complete(facts)
    except RecursionError:
        reason = "nested too deeply to read"
    except Exception as error:  # reported as SL000 below
        log.debug("internal error in %s", document.path, exc_info=True)
        reason = f"internal error, please report ({type(error).__name__}: {error})"
    facts = Facts(document.path, document.kind)
    facts.problems.append(Problem(document.whole(), reason))
    return facts


def check(
    document: Document, rules: Sequence[Rule], problems: Sequence[Problem] = ()
) -> list[Finding]:
    """The findings of one document. `problems` are what reading the file
    already met (bytes that are not UTF-8); they become SL000 like a
    source's own."""
    facts = facts_of(document)
    facts.problems += problems

    findings: list[Finding] = []
    for rule in rules:
        try:
            findings += rule.check(facts)
        except Exception as error:  # one rule must not end the run
            log.debug("rule %s failed on %s", rule.id, document.path, exc_info=True)
            findings.append(
                Finding(
                    "SL000",
                    document.whole(),
                    f"internal error in rule {rule.id}, please report "
                    f"({type(error).__name__}: {error})",
                )
            )

    findings = suppression.apply(document.lines, findings)
    return sorted(set(findings), key=lambda f: (f.span, f.rule))
