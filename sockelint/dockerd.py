"""A `dockerd` command line as a daemon config.

dockerd reads its listen addresses from `-H`/`--host` (any number, also
`-H=tcp://…` and `-Htcp://…`) and its TLS state from `--tls`, `--tlsverify`
(booleans, so `--tlsverify=false` turns it off) and the certificate paths.
A `--tlsverify` implies `--tls`. The same flags arrive from a systemd
`ExecStart=` line, a `DOCKER_OPTS` string, a `sed` replacement or the
arguments of a docker-in-docker container; `sockelint.daemonconfig` splits
such text into words with the shell source and hands them here.
"""

from __future__ import annotations

from sockelint import truth
from sockelint.model import DaemonConfig, Word
from sockelint.span import Span

_HOST_FLAGS = ("-H", "--host")


def daemon_from_words(words: list[Word], span: Span, origin: str) -> DaemonConfig:
    """`words[0]` is `dockerd` (or `docker daemon`); the rest are its flags."""
    config = DaemonConfig(span, origin)
    flags = words[1:]
    if words and words[0].text == "docker" and len(words) > 1:
        flags = words[2:]  # `docker daemon`, the pre-1.12 spelling

    index = 0
    while index < len(flags):
        index += _read_flag(flags, index, config)
    return config


def daemon_from_flags(words: list[Word], span: Span, origin: str) -> DaemonConfig:
    """Flags alone, as in `DOCKER_OPTS` or a dind container's arguments."""
    placeholder = Word("dockerd", span)
    return daemon_from_words([placeholder, *words], span, origin)


def _read_flag(flags: list[Word], index: int, config: DaemonConfig) -> int:
    """Record one flag; returns how many words it used."""
    word = flags[index]
    name, has_value, value = _split_flag(word.text)

    if name in _HOST_FLAGS:
        if has_value:
            offset = len(word.text) - len(value)
            config.listeners.append(_tail(word, value, offset))
            return 1
        if index + 1 < len(flags):
            config.listeners.append(flags[index + 1])
            return 2
        return 1
    if name == "--tls":
        _set_tls(config, "tls", word, value if has_value else None)
    elif name == "--tlsverify":
        _set_tls(config, "tlsverify", word, value if has_value else None)
    return 1


def _split_flag(text: str) -> tuple[str, bool, str]:
    """(`--host`, True, `tcp://x`) for `--host=tcp://x`; `-Htcp://x` too."""
    if text.startswith("--") and "=" in text:
        name, value = text.split("=", 1)
        return name, True, value
    if text.startswith("-H") and len(text) > 2:
        return "-H", True, text[3:] if text[2] == "=" else text[2:]
    return text, False, ""


def _set_tls(config: DaemonConfig, which: str, word: Word, value: str | None) -> None:
    """`value` is None for a bare flag, which means on."""
    if not truth.flag_on(value):
        config.tls_disabled = word.span
        setattr(config, which, None)
        return
    setattr(config, which, word.span)


def _tail(word: Word, value: str, offset: int) -> Word:
    """The value part of `--host=tcp://x`, with its own columns when the
    word sits on one line."""
    span = word.span
    if span.line != span.end_line or span.end_column - span.column != len(word.text):
        return Word(value, span, value)
    return Word(
        value,
        Span(span.path, span.line, span.column + offset, span.line, span.end_column),
        value,
    )


def is_tcp(listener: str) -> bool:
    return listener.strip().strip("'\"").lower().startswith("tcp://")
