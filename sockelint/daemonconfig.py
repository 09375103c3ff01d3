"""Daemon configs as text: daemon.json, systemd units and drop-ins,
/etc/default/docker, wherever that text sits.

Each becomes a `DaemonConfig` with its listen addresses and TLS state. The
daemon-config source reads such files; `derive` reads the same text when a
script writes it (`echo '{...}' > /etc/docker/daemon.json`, a heredoc into a
`docker.service.d/*.conf`, `echo 'DOCKER_OPTS=…' >> /etc/default/docker`) or
a `sed` rewrites `ExecStart=`, with positions inside the script: see
`daemon_configs_from_commands`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sockelint import dockerd, jsonspans
from sockelint.excerpt import Excerpt
from sockelint.model import Command, DaemonConfig, Facts, Problem, Word
from sockelint.sources import shell
from sockelint.span import Span
from sockelint.unitfile import logical_lines as _logical_lines
from sockelint.unitfile import strip_exec_prefix as _strip_exec_prefix
from sockelint.unitfile import words_after as _words_after

# A text of some kind, where it sits, the origin to record.
Reader = Callable[[str, Excerpt, str], tuple[list[DaemonConfig], list[Problem]]]

_EXEC_START = re.compile(r"^\s*ExecStart\s*=")
_DOCKER_OPTS = re.compile(r"^\s*(?:export\s+)?DOCKER_OPTS\s*=")


def read_daemon_json(
    text: str, excerpt: Excerpt, origin: str
) -> tuple[list[DaemonConfig], list[Problem]]:
    try:
        root = jsonspans.parse(text, excerpt)
    except jsonspans.JsonError as error:
        return [], [error.problem]
    if root.kind != "object":
        return [], []

    config = DaemonConfig(root.span, origin)
    hosts = root.get("hosts")
    if hosts is not None:
        items = hosts.items if hosts.kind == "array" else [hosts]
        config.listeners += [i.word() for i in items if i.kind == "string"]
    for key in ("tls", "tlsverify"):
        node = root.get(key)
        if node is None:
            continue
        if node.value is True:
            setattr(config, key, node.span)
        elif node.value is False:
            config.tls_disabled = node.span
    return [config], []


def read_systemd(
    text: str, excerpt: Excerpt, origin: str
) -> tuple[list[DaemonConfig], list[Problem]]:
    """Each `ExecStart=` that runs dockerd (continuations joined); an empty
    `ExecStart=` only resets, which a drop-in does before its own line."""
    daemons: list[DaemonConfig] = []
    for rows in _logical_lines(text):
        first = excerpt.lines[rows[0]].text if rows[0] < len(excerpt.lines) else ""
        if not _EXEC_START.match(first):
            continue
        sub = Excerpt(excerpt.path, [excerpt.lines[r] for r in rows])
        start = first.index("=") + 1
        words = _words_after(sub, start)
        words = _strip_exec_prefix(words)
        if words and _runs_dockerd(words):
            daemons.append(dockerd.daemon_from_words(words, _cover(words), origin))
    return daemons, []


def read_default_docker(
    text: str, excerpt: Excerpt, origin: str
) -> tuple[list[DaemonConfig], list[Problem]]:
    """`DOCKER_OPTS="-H tcp://… --tlsverify"` as sysvinit and upstart read it."""
    daemons: list[DaemonConfig] = []
    for rows in _logical_lines(text):
        first = excerpt.lines[rows[0]].text if rows[0] < len(excerpt.lines) else ""
        if not _DOCKER_OPTS.match(first):
            continue
        sub = Excerpt(excerpt.path, [excerpt.lines[r] for r in rows])
        start = first.index("=") + 1
        assigned = _words_after(sub, start)
        if not assigned:
            continue
        # The value is one shell word; its own words are the flags.
        value = assigned[0]
        flags = shell.words_of(shell.word_excerpt(value))
        daemons.append(dockerd.daemon_from_flags(flags, value.span, origin))
    return daemons, []


def _runs_dockerd(words: list[Word]) -> bool:
    program = words[0].text.rsplit("/", 1)[-1]
    if program == "dockerd":
        return True
    return program == "docker" and len(words) > 1 and words[1].text == "daemon"


def _cover(words: list[Word]) -> Span:
    span = words[0].span
    for word in words[1:]:
        span = span.cover(word.span)
    return span


READERS: dict[str, Reader] = {
    "daemon-json": read_daemon_json,
    "systemd": read_systemd,
    "default-docker": read_default_docker,
}
ORIGINS = {
    "daemon-json": "daemon.json",
    "systemd": "systemd unit",
    "default-docker": "/etc/default/docker",
}


# Config written by a script ------------------------------------------------


def daemon_configs_from_commands(facts: Facts) -> list[DaemonConfig]:
    """Daemon configs that the commands of `facts` write or rewrite."""
    daemons: list[DaemonConfig] = []
    for command in facts.commands:
        for target, written in command.writes.items():
            daemons += _written(target, written)
        daemons += _set_dockerd(command)
        daemons += _sed_rewrite(command)
    return daemons


def _written(target: str, written: Word) -> list[DaemonConfig]:
    kind = _kind_of_target(target, written.text)
    if kind is None:
        return []
    excerpt = shell.word_excerpt(written)
    origin = f"{ORIGINS[kind]} written by a script"
    daemons, _ = READERS[kind](written.text, excerpt, origin)
    return daemons


def _kind_of_target(target: str, text: str) -> str | None:
    """What a written file is, by its path, else by what is written."""
    name = target.replace("\\", "/").rsplit("/", 1)[-1]
    if name == "daemon.json":
        return "daemon-json"
    if "docker.service" in target or name == "docker.service":
        return "systemd"
    if target.rstrip("/").endswith("default/docker"):
        return "default-docker"
    if re.search(r"^\s*ExecStart\s*=\s*\S*dockerd", text, re.M):
        return "systemd"
    if _DOCKER_OPTS.search(text):
        return "default-docker"
    if target.endswith(".json") and '"hosts"' in text:
        return "daemon-json"
    return None


def _set_dockerd(command: Command) -> list[DaemonConfig]:
    """`set -- dockerd --host=…` (the dind entrypoint) runs dockerd later."""
    argv = command.argv
    if len(argv) > 2 and argv[:2] == ["set", "--"] and _runs_dockerd(command.words[2:]):
        return [dockerd.daemon_from_words(command.words[2:], command.span, "dockerd")]
    return []


def _sed_rewrite(command: Command) -> list[DaemonConfig]:
    """`sed -i 's/^ExecStart=.*/ExecStart=… -H tcp:\\/\\/0.0.0.0:2375/' unit`."""
    if not command.words or command.argv[0].rsplit("/", 1)[-1] != "sed":
        return []
    daemons: list[DaemonConfig] = []
    for script in _sed_scripts(command.words[1:]):
        replacement = _replacement(script)
        if replacement is None:
            continue
        text, excerpt = replacement
        if "ExecStart" not in text and "dockerd" not in text and "-H" not in text:
            continue
        words = shell.words_of(excerpt)
        origin = "systemd unit rewritten by sed"
        daemons.append(dockerd.daemon_from_flags(words, script.span, origin))
    return daemons


def _sed_scripts(words: list[Word]) -> list[Word]:
    scripts: list[Word] = []
    given = False
    for index, word in enumerate(words):
        if word.text in ("-e", "--expression") and index + 1 < len(words):
            scripts.append(words[index + 1])
            given = True
        elif word.text.startswith("--expression="):
            scripts.append(word)
            given = True
    if given:
        return scripts
    rest = [w for w in words if not w.text.startswith("-")]
    return rest[:1]


def _replacement(script: Word) -> tuple[str, Excerpt] | None:
    """The replacement of an `s` command, unescaped, with an excerpt that
    keeps each character at its column in the script word."""
    text = script.text
    if text.startswith("--expression="):
        text = text[len("--expression=") :]
    match = re.match(r"^\s*(?:\d+|/[^/]*/)?\s*s(.)", text)
    if not match:
        return None
    delimiter = match.group(1)
    parts = _sed_fields(text, match.end(), delimiter)
    if parts is None:
        return None
    start, end = parts

    chars: list[str] = []
    columns: list[int] = []
    index = start
    while index < end:
        char = text[index]
        if char == "\\" and index + 1 < end:
            following = text[index + 1]
            if following.isdigit() or following == "&":
                index += 2  # a back-reference: the text matched, unknown here
                continue
            chars.append(following)
            columns.append(index + 1)
            index += 2
            continue
        chars.append(char)
        columns.append(index)
        index += 1
    return "".join(chars), _column_excerpt(script, "".join(chars), columns)


def _sed_fields(text: str, at: int, delimiter: str) -> tuple[int, int] | None:
    """Start and end of the replacement field after `s<d>pattern<d>`."""
    fields: list[int] = [at]
    index = at
    while index < len(text) and len(fields) < 3:
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == delimiter:
            fields.append(index + 1)
        index += 1
    if len(fields) < 3:
        if len(fields) == 2:
            return fields[1], len(text)
        return None
    return fields[1], fields[2] - 1


def _column_excerpt(script: Word, text: str, columns: list[int]) -> Excerpt:
    """One-line excerpt: the unescaped text placed where the sed word has
    it. Columns drift by the escapes removed, which stay on the same line."""
    base = shell.word_excerpt(script)
    first = columns[0] if columns else 0
    return Excerpt.at(base.path, text, *base.position(0, first))
