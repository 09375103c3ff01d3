"""Red-team cases that sockelint gets wrong and a local fix cannot mend.

Each is a strict xfail: the day it passes, the test fails and the case
moves to a fixture. None is open now; `_rules` is here for the next one.
"""

from __future__ import annotations

from sockelint import engine, kinds
from sockelint.document import Document
from sockelint.rules import RULES


def _rules(path: str, text: str) -> list[tuple[int, str]]:
    kind = kinds.kind_of(path, text[:4096])
    assert kind is not None, f"{path} is not a kind sockelint reads"
    findings = engine.check(Document(path, text, kind), RULES)
    return sorted((f.span.line, f.rule) for f in findings)
