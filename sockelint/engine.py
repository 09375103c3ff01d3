"""One file through the pipeline: source, derived facts, rules, suppression."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence

from sockelint import derive, sockets, sources, suppression
from sockelint.document import Document
from sockelint.finding import Finding
from sockelint.model import Facts, Problem
from sockelint.rules import Rule

log = logging.getLogger(__name__)


# Text that variable expansion may add to one document (see sockets.expand).
EXPANSION_ROOM = 1_000_000

# The largest text each kind's source reads. These sources keep a fact per
# command, so memory grows with the file: a megabyte of Dockerfile or
# Makefile is far beyond any real one and still parses in seconds. A unit
# file's commands each go through the shell parser (about 5 s per MB of
# `ExecStart=` lines); the HCL and nginx readers are quicker, and generated
# Terraform can be large. (YAML kinds are bounded in yamlnodes, shell
# scripts in the shell source.)
_MB = 1024 * 1024
MAX_PARSED = {
    "dockerfile": _MB,
    "makefile": _MB,
    "systemd": _MB,
    "quadlet": _MB,
    "nginx": 2 * _MB,
    "terraform": 2 * _MB,
    "nomad": 2 * _MB,
}


def facts_of(document: Document) -> Facts:
    """The facts of one document; a crash in a source is an SL000, not a
    traceback, so one odd file never stops the run."""
    limit = MAX_PARSED.get(document.kind)
    if limit is not None and len(document.text) > limit:
        reason = f"too large to parse: more than {limit} characters of {document.kind}"
        return _unread(document, reason)

    try:
        with sockets.expansion_room(EXPANSION_ROOM):
            facts = sources.parser(document.kind)(document)
            return derive.complete(facts)
    except RecursionError:
        reason = "nested too deeply to read"
    except Exception as error:  # reported as SL000 below
        log.debug("internal error in %s", document.path, exc_info=True)
        reason = f"internal error, please report ({type(error).__name__}: {error})"
    return _unread(document, reason)


def _claimed(document: Document) -> bool:
    """Whether the file is its kind's to judge. A kind known by its folder
    alone (nginx's `conf.d/`) takes other programs' files too; a source
    that can tell says so with `claims(text)`, and what reading the bytes
    met (not UTF-8) is then not reported for a file it leaves alone."""
    name = sources.MODULES.get(document.kind)
    if name is None:
        return True
    claims = getattr(importlib.import_module(name), "claims", None)
    return claims is None or bool(claims(document.text))


def _unread(document: Document, reason: str) -> Facts:
    facts = Facts(document.path, document.kind)
    facts.problems.append(Problem(document.whole(), reason))
    return facts


def check(
    document: Document,
    rules: Sequence[Rule],
    problems: Sequence[Problem] = (),
    suppressed: list[Finding] | None = None,
) -> list[Finding]:
    """The findings of one document. `problems` are what reading the file
    already met (bytes that are not UTF-8); they become SL000 like a
    source's own. Findings an inline comment silences are added to
    `suppressed` when it is given. Inline comments that silence nothing
    are judged against the findings before suppression (SL001)."""
    facts = facts_of(document)
    if _claimed(document):
        facts.problems += problems

    findings: list[Finding] = []
    for rule in rules:
        if rule.check is None:  # SL001, judged below
            continue
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

    selected = {rule.id for rule in rules}
    if suppression.UNUSED in selected:
        complete = not facts.problems
        findings += suppression.unused_findings(
            document.path, document.lines, findings, selected, complete
        )

    findings, silenced = suppression.partition(document.lines, findings)
    if suppressed is not None:
        suppressed += set(silenced)
    return sorted(set(findings), key=lambda f: (f.span, f.rule))
