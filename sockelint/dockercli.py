"""Commands that reach an engine: `docker run` and friends, `dockerd`, clients.

(The interpretation is being written; for now no command yields facts.)
"""

from __future__ import annotations

from sockelint.model import Command, Facts


def interpret(command: Command, facts: Facts) -> None:
    return None
