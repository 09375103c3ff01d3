"""SL101-SL104: engine sockets, their directories and the host root mounted.

One written mount is one finding, however many workloads get it through an
anchor, `extends` or a shared pod volume: findings are keyed by the span of
the mount and name every workload that has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sockelint import advice, sockets
from sockelint.finding import Finding, image_of
from sockelint.model import Facts, Mount, Workload
from sockelint.roles import is_socket_proxy
from sockelint.span import Span


@dataclass(slots=True)
class _Exposure:
    mount: Mount
    what: sockets.HostPath
    workloads: list[Workload] = field(default_factory=list)
    # Every place that made it read-only, with the workloads it is written
    # for: one shared path may be mounted read-only by one workload and
    # writable by another (a pod volume).
    read_only: dict[Span, list[str]] = field(default_factory=dict)


def _what(mount: Mount) -> sockets.HostPath:
    """What the host side is; a variable host path with a socket target
    (`$SOCK:/var/run/docker.sock`) is taken as the socket it stands for."""
    if mount.host_path is None:
        return sockets.HostPath.OTHER
    what = sockets.classify(mount.host_path)
    if (
        what is sockets.HostPath.OTHER
        and sockets.is_unresolved(mount.host_path)
        and mount.target
        and sockets.classify(mount.target) is sockets.HostPath.SOCKET
    ):
        return sockets.HostPath.SOCKET
    return what


def exposures(facts: Facts) -> list[_Exposure]:
    """Every engine-access mount, once per written mount, proxies left out."""
    by_span: dict[Span, _Exposure] = {}
    for workload in facts.workloads:
        if is_socket_proxy(workload):
            continue
        for mount in workload.mounts:
            what = _what(mount)
            if what is sockets.HostPath.OTHER:
                continue
            exposure = by_span.setdefault(mount.span, _Exposure(mount, what))
            if workload not in exposure.workloads:
                exposure.workloads.append(workload)
            if mount.read_only is not None:
                holders = exposure.read_only.setdefault(mount.read_only, [])
                holders.append(workload.name)
    return list(by_span.values())


def _names(exposure: _Exposure) -> str:
    names = [w.name for w in exposure.workloads] + exposure.mount.shared_by
    unique = list(dict.fromkeys(n for n in names if n))
    return ", ".join(f"`{n}`" for n in unique) or "a workload"


def _subject(exposure: _Exposure) -> str:
    names = sorted({w.name for w in exposure.workloads})
    return f"{sockets.normalise(exposure.mount.host_path or '')}|{','.join(names)}"


def _advice(exposure: _Exposure) -> str:
    """Advice that fits every workload holding the mount: one text when they
    do the same kind of thing, else one per workload (a dashboard and an
    updater sharing a socket through an anchor need different answers)."""
    if not exposure.workloads:
        return advice.advise(None)
    by_case: dict[str, list[str]] = {}
    for workload in exposure.workloads:
        by_case.setdefault(advice.advise(workload), []).append(workload.name)
    if len(by_case) == 1:
        return next(iter(by_case))
    return " ".join(
        f"For {', '.join(f'`{n}`' for n in names)}: {_lower(text)}"
        for text, names in by_case.items()
    )


def _first(exposure: _Exposure) -> Workload | None:
    return exposure.workloads[0] if exposure.workloads else None


def check_socket_mount(facts: Facts) -> Iterator[Finding]:
    for exposure in exposures(facts):
        if exposure.what is not sockets.HostPath.SOCKET:
            continue
        path = exposure.mount.source.text
        engine = sockets.engine_of(exposure.mount.host_path or "") or "engine"
        yield Finding(
            "SL101",
            exposure.mount.span,
            f"The {engine} socket `{path}` is mounted into {_names(exposure)}: "
            "whoever reaches it can start a privileged container with the host's "
            "`/` mounted, which is root on the host.",
            _advice(exposure),
            _subject(exposure),
            image_of(_first(exposure)),
        )


def check_read_only_trust(facts: Facts) -> Iterator[Finding]:
    for exposure in exposures(facts):
        if exposure.what is not sockets.HostPath.SOCKET:
            continue
        for read_only, holders in exposure.read_only.items():
            subject = _subject(exposure)
            if len(exposure.read_only) > 1:
                # Several places: each is its own finding, told apart.
                subject += "|read-only in " + ",".join(sorted(set(holders)))
            yield _read_only_finding(exposure, read_only, subject)


def _read_only_finding(exposure: _Exposure, read_only: Span, subject: str) -> Finding:
    return Finding(
        "SL102",
        read_only,
        f"Mounting `{exposure.mount.source.text}` read-only does not limit "
        "the engine API: a socket is a channel to the daemon, not a file "
        "being written, so every call still goes through.",
        "Drop the false comfort of `:ro`; restrict the calls with a socket "
        "proxy instead, or remove the mount.",
        subject,
        image_of(_first(exposure)),
    )


def check_runtime_dir_mount(facts: Facts) -> Iterator[Finding]:
    for exposure in exposures(facts):
        if exposure.what is not sockets.HostPath.SOCKET_DIR:
            continue
        path = exposure.mount.source.text
        yield Finding(
            "SL103",
            exposure.mount.span,
            f"`{path}` is mounted into {_names(exposure)}, and it holds the host's "
            "engine socket: the workload can drive the engine, which is root on "
            "the host.",
            "Mount only the specific file the workload needs from this "
            "directory; if it needs the engine, " + _lower(_advice(exposure)),
            _subject(exposure),
            image_of(_first(exposure)),
        )


def check_host_root_mount(facts: Facts) -> Iterator[Finding]:
    for exposure in exposures(facts):
        if exposure.what is not sockets.HostPath.ROOT:
            continue
        yield Finding(
            "SL104",
            exposure.mount.span,
            f"The host's `/` is mounted into {_names(exposure)}: that includes the "
            "engine socket and every other file of the host.",
            "Mount only the host directories the workload reads (for a metrics "
            "agent, `/proc` and `/sys` read-only), never the whole root.",
            _subject(exposure),
            image_of(_first(exposure)),
        )


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
