"""Reads the `expect:` annotations of a fixture and runs sockelint on it.

A comment line `expect: SL101` (several ids may follow) says that the next
non-comment line carries exactly those findings. For formats without
comments, a sidecar `NAME.expect` lists `LINE RULE` pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from sockelint import engine, kinds
from sockelint.document import Document
from sockelint.rules import RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_EXPECT = re.compile(
    r"^\s*(?:#|//|<!--)\s*expect:\s*(?P<ids>SL\d{3}(?:[\s,]+SL\d{3})*)"
)
_COMMENT = re.compile(r"^\s*(?:#|//|<!--)")


def fixture_files() -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.suffix != ".expect" and p.name != "README.md"
    )


def expected(path: Path, text: str) -> Counter[tuple[int, str]]:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        pairs = Counter[tuple[int, str]]()
        for raw in sidecar.read_text().splitlines():
            if raw.strip() and not raw.startswith("#"):
                line, rule = raw.split()
                pairs[(int(line), rule)] += 1
        return pairs

    pairs = Counter()
    pending: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _EXPECT.match(line)
        if match:
            pending += re.findall(r"SL\d{3}", match.group("ids"))
            continue
        if not line.strip() or _COMMENT.match(line):
            continue
        for rule in pending:
            pairs[(number, rule)] += 1
        pending = []
    return pairs


def actual(path: Path) -> tuple[Counter[tuple[int, str]], list[str]]:
    relative = path.relative_to(FIXTURES).as_posix()
    text = path.read_text(encoding="utf-8")
    kind = kinds.kind_of(relative, text[:4096])
    assert kind is not None, f"{relative}: no kind recognised for this fixture"
    document = Document(relative, text, kind)
    findings = engine.check(document, RULES)
    found = Counter((f.span.line, f.rule) for f in findings)
    messages = [f"{f.span.line}:{f.span.column} {f.rule} {f.message}" for f in findings]
    return found, messages
