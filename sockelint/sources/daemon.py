"""Daemon configs on their own: daemon.json and /etc/default/docker.

The reading itself is in `sockelint.daemonconfig`, shared with `derive`,
which reads the same text when a script writes such a file, and with
`sources.systemd_unit`, which reads the dockerd of a unit's `ExecStart`.
"""

from __future__ import annotations

from sockelint import daemonconfig
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Facts


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    excerpt = Excerpt.whole(document.path, document.text)
    reader = daemonconfig.READERS.get(document.kind, daemonconfig.read_systemd)
    origin = daemonconfig.ORIGINS.get(document.kind, "systemd unit")
    daemons, problems = reader(document.text, excerpt, origin)
    facts.daemons += daemons
    facts.problems += problems
    return facts
