"""A finding: one rule, one place, one message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sockelint.model import Workload
from sockelint.span import Span


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # the rule id, SL101
    span: Span
    message: str
    advice: str = ""
    # What the finding is about, without its position: the normalised host
    # path and workload names, a flag. Fingerprints hash it with the rule and
    # the path, so they survive lines moving.
    subject: str = ""
    # The image of the workload the finding is about, when there is one: the
    # configuration's allowlist matches on it. Not part of the fingerprint.
    workload_image: str = ""

    def fingerprint(self) -> str:
        key = "\0".join((self.rule, self.span.path, self.subject or self.message))
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def image_of(workload: Workload | None) -> str:
    """The image a workload runs, as written, for `Finding.workload_image`."""
    if workload is None or workload.image is None:
        return ""
    return workload.image.text
