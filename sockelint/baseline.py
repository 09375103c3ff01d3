"""A baseline: the findings a repository already has, so later runs report
only new ones.

The file is JSON, one entry per fingerprint with the rule, the path, the
start of the message (for people reading a diff of it) and how many findings
share the fingerprint. Fingerprints hash the rule, the path and what the
finding is about, never its line, so edits above a finding keep it
baselined. Paths are taken relative to the baseline file's folder, so the
file works whichever folder sockelint runs from. Counts matter: a second copy
of a baselined mount in the same file is new and is reported.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from sockelint.finding import Finding

VERSION = 1
_EXCERPT = 80


class BaselineError(Exception):
    """A baseline file that cannot be read: one line, exit code 2."""


@dataclasses.dataclass(slots=True)
class Baseline:
    folder: Path  # the folder of the file: paths are relative to it
    counts: Counter[str]

    def split(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
        """The findings that are new, and those the baseline already holds."""
        remaining = Counter(self.counts)
        new, known = [], []
        for finding in findings:
            key = fingerprint(finding, self.folder)
            if remaining[key] > 0:
                remaining[key] -= 1
                known.append(finding)
            else:
                new.append(finding)
        return new, known


def fingerprint(finding: Finding, folder: Path) -> str:
    """The finding's fingerprint with its path relative to `folder`."""
    path = _relative(finding.span.path, folder)
    span = dataclasses.replace(finding.span, path=path)
    return dataclasses.replace(finding, span=span).fingerprint()


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline of `findings` to `path`; the number of findings."""
    folder = Path(os.path.abspath(path)).parent
    first: dict[str, Finding] = {}
    counts: Counter[str] = Counter()
    for finding in findings:
        key = fingerprint(finding, folder)
        first.setdefault(key, finding)
        counts[key] += 1

    entries = [_entry(f, key, folder, counts[key]) for key, f in first.items()]
    entries.sort(key=lambda e: (str(e["path"]), str(e["rule"]), str(e["fingerprint"])))
    document = {"version": VERSION, "tool": "sockelint", "findings": entries}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BaselineError(
            f"{path}: cannot write the baseline: {error.strerror or error}"
        ) from None
    return counts.total()


def _entry(finding: Finding, key: str, folder: Path, count: int) -> dict[str, object]:
    message = " ".join(finding.message.split())
    if len(message) > _EXCERPT:
        message = message[: _EXCERPT - 1].rstrip() + "…"
    return {
        "rule": finding.rule,
        "path": _relative(finding.span.path, folder),
        "fingerprint": key,
        "message": message,
        "count": count,
    }


def load(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not a sockelint baseline: {error}") from None

    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: not a sockelint baseline: no `findings` list")
    counts: Counter[str] = Counter()
    for index, entry in enumerate(entries):
        key = entry.get("fingerprint") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not isinstance(key, str) or not isinstance(count, int) or count < 1:
            raise BaselineError(
                f"{path}: not a sockelint baseline: entry {index} needs a "
                "`fingerprint` string and a positive `count`"
            )
        counts[key] += count
    return Baseline(Path(os.path.abspath(path)).parent, counts)


def _relative(path: str, folder: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(folder).as_posix()
    except ValueError:
        return Path(path).as_posix()
