"""A `dockerd` command line as a daemon config.

(Being written: for now only the listeners and TLS flags are read.)
"""

from __future__ import annotations

from sockelint.model import DaemonConfig, Word
from sockelint.span import Span


def daemon_from_words(words: list[Word], span: Span, origin: str) -> DaemonConfig:
    """`words[0]` is `dockerd` (or `docker daemon`); the rest are its flags."""
    return DaemonConfig(span, origin)
