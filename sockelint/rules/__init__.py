"""The rule registry: one literal table, the single source of rule metadata.

Ids are stable and banded by family; names are kebab-case; both are accepted
wherever a rule is named. Each rule's check reads `Facts` and yields
`Finding`s; it never looks at a file format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sockelint.finding import Finding
from sockelint.model import Facts
from sockelint.rules import invalid, mounts

Check = Callable[[Facts], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: str  # error, warning, note
    summary: str
    check: Check


RULES: tuple[Rule, ...] = (
    Rule(
        "SL000",
        "invalid-file",
        "error",
        "A file of a known kind could not be read or parsed.",
        invalid.check_invalid_file,
    ),
    Rule(
        "SL101",
        "engine-socket-mount",
        "error",
        "An engine socket is bind-mounted into a workload.",
        mounts.check_socket_mount,
    ),
    Rule(
        "SL102",
        "read-only-socket-trust",
        "warning",
        "A socket mount is read-only, which leaves the engine API fully usable.",
        mounts.check_read_only_trust,
    ),
    Rule(
        "SL103",
        "runtime-dir-mount",
        "error",
        "A directory that holds an engine socket is mounted into a workload.",
        mounts.check_runtime_dir_mount,
    ),
    Rule(
        "SL104",
        "host-root-mount",
        "error",
        "The host's root directory is mounted into a workload.",
        mounts.check_host_root_mount,
    ),
)

BY_KEY: dict[str, Rule] = {r.id: r for r in RULES} | {r.name: r for r in RULES}


def lookup(key: str) -> Rule | None:
    """A rule by id (any case) or name."""
    return BY_KEY.get(key.upper()) or BY_KEY.get(key.lower())
