"""When a written value means "on": one answer for every reader.

Three conventions meet in the files sockelint reads, and they differ:
YAML booleans (`true`, `yes`, `on` in YAML 1.1, which compose and Kubernetes
tooling still accept), environment flags (`DOCKER_TLS_VERIFY=1`, a proxy's
`POST=1`), and command-line flags (`--tlsverify`, `--tlsverify=true`).
"""

from __future__ import annotations

_YAML_TRUE = frozenset({"true", "yes", "on", "y"})
_OFF = frozenset({"", "0", "false", "no", "off", "n"})


def yaml_true(text: str | None) -> bool:
    """A YAML scalar that a YAML 1.1 loader reads as true."""
    return (text or "").strip().lower() in _YAML_TRUE


def env_on(value: str | None) -> bool:
    """An environment flag that is set to something other than off.

    `1`, `true` and `yes` are on; an empty value, `0`, `false`, `no` and
    `off` are off. Quotes left around the value are ignored.
    """
    return (value or "").strip().strip("'\"").strip().lower() not in _OFF


def flag_on(value: str | None) -> bool:
    """A command-line boolean flag: bare (`--tlsverify`, value None) or with
    a value (`--tlsverify=false`)."""
    return value is None or env_on(value) or value.strip() == ""
