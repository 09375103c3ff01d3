"""SARIF 2.1.0, built with sarif-om, for GitHub code scanning and other
SARIF consumers.

What GitHub's ingestion needs beyond the OASIS schema: relative URIs under
`%SRCROOT%` with that base in `originalUriBaseIds`, a `rules` array with
`help` and `security-severity`, and stable `partialFingerprints` so an alert
follows its finding when lines move
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
Files not scanned become tool execution notifications, so a skipped file is
visible in the log instead of passing as clean.

sarif-om is imported here only: it costs about 50 ms, paid only by runs that
ask for SARIF.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any, TextIO

import attrs
import sarif_om as om

from sockelint import __version__, ruledocs
from sockelint.finding import Finding
from sockelint.report import Report, Skip
from sockelint.rules import RULES, Rule
from sockelint.span import Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"
FINGERPRINT = "sockelint/v1"

# GitHub maps security-severity to critical (9.0+), high (7.0-8.9), medium
# (4.0-6.9) and low. An error here is root on the host; a warning is a step
# towards it.
SECURITY_SEVERITY = {"error": "8.8", "warning": "5.5", "note": "2.0"}

# sarif-om's defaults mirror the schema's, so they are left out of the JSON;
# a level is written even when it equals the default, because a result
# without one would take its rule's level, not the schema's default.
_ALWAYS_WRITTEN = frozenset({"level"})


def write(report: Report, out: TextIO, err: TextIO) -> None:
    document = serialise(sarif_log(report))
    # The version and schema first, as readers of the file expect them.
    ordered = {"$schema": document.pop("$schema"), "version": document.pop("version")}
    json.dump(ordered | document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def sarif_log(report: Report) -> om.SarifLog:
    # Reported paths are relative to `base`; `%SRCROOT%` is the repository
    # top above it, where code scanning resolves relative URIs.
    base = Path(report.root or os.getcwd())
    root = _source_root(base)
    index = {rule.id: position for position, rule in enumerate(RULES)}
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="sockelint",
                version=__version__,
                semantic_version=__version__,
                rules=[_descriptor(rule, report) for rule in RULES],
            )
        ),
        original_uri_base_ids={ROOT: om.ArtifactLocation(uri=_directory_uri(root))},
        column_kind="unicodeCodePoints",
        results=[
            _result(f, fingerprint, report, index, base, root)
            for f, fingerprint in zip(
                report.findings, report.fingerprints(), strict=True
            )
        ],
        invocations=[
            om.Invocation(
                execution_successful=True,
                tool_execution_notifications=[
                    _skipped(s, base, root) for s in report.skipped
                ],
            )
        ],
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=[run])


# Rules ---------------------------------------------------------------------


def _descriptor(rule: Rule, report: Report) -> om.ReportingDescriptor:
    level = report.level(rule.id)
    page = ruledocs.page(rule.id) or f"# {rule.id} {rule.name}\n\n{rule.summary}\n"
    return om.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(
            text=_what_it_finds(page) or rule.summary
        ),
        help=om.MultiformatMessageString(text=_plain(page), markdown=page),
        default_configuration=om.ReportingConfiguration(level=level),
        # PropertyBag models only `tags`: the bag goes in as a plain mapping.
        properties=_properties(rule, level),
    )


def _properties(rule: Rule, level: str) -> dict[str, Any]:
    if rule.id == "SL000":  # an unreadable file is not a vulnerability
        return {"tags": ["correctness"]}
    return {"tags": ["security"], "security-severity": SECURITY_SEVERITY[level]}


def _what_it_finds(page: str) -> str:
    """The first paragraph under `## What it finds`, on one line."""
    match = re.search(r"^## What it finds\n+(.+?)(?:\n\n|\n#|\Z)", page, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


def _plain(page: str) -> str:
    """The page without Markdown's heading marks, fences and backticks."""
    text = re.sub(r"^```.*\n?", "", page, flags=re.M)
    text = re.sub(r"^#+ ", "", text, flags=re.M)
    return text.replace("`", "")


# Results -------------------------------------------------------------------


def _result(
    finding: Finding,
    fingerprint: str,
    report: Report,
    index: dict[str, int],
    base: Path,
    root: Path,
) -> om.Result:
    text = " ".join(finding.message.split())
    if finding.advice:
        text += "\n\nAdvice: " + " ".join(finding.advice.split())
    return om.Result(
        rule_id=finding.rule,
        rule_index=index.get(finding.rule, -1),
        level=report.level(finding.rule),
        message=om.Message(text=text),
        locations=[_location(finding.span.path, finding.span, base, root)],
        partial_fingerprints={FINGERPRINT: fingerprint},
    )


def _skipped(skip: Skip, base: Path, root: Path) -> om.Notification:
    return om.Notification(
        level="warning",
        message=om.Message(text=f"{skip.path} was not scanned: {skip.reason}"),
        locations=[_location(skip.path, None, base, root)],
    )


def _location(path: str, span: Span | None, base: Path, root: Path) -> om.Location:
    physical = om.PhysicalLocation(
        artifact_location=_artifact(path, base, root),
        region=_region(span) if span is not None else None,
    )
    return om.Location(physical_location=physical)


def _artifact(path: str, base: Path, root: Path) -> om.ArtifactLocation:
    """Relative to `%SRCROOT%` when the file is below it; a file outside gets
    an absolute `file:` URI, since a relative URI may not climb out of its
    base. Reported paths are relative to the working directory, which may
    be a folder below the root."""
    absolute = Path(os.path.normpath(os.path.join(base, path)))
    try:
        relative = absolute.relative_to(root.resolve())
    except ValueError:
        return om.ArtifactLocation(uri=absolute.as_uri())
    return om.ArtifactLocation(
        uri=urllib.parse.quote(relative.as_posix()), uri_base_id=ROOT
    )


def _source_root(here: Path) -> Path:
    """The repository's top (the folder holding `.git`) when the run is
    inside one: code scanning resolves `%SRCROOT%` URIs against the
    repository, so a run from `deploy/` must still say `deploy/compose.yml`.
    Outside a repository, the working directory."""
    here = here.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def _region(span: Span) -> om.Region:
    # Spans are 1-based with an exclusive end column, as SARIF's regions are
    # (3.30.5-3.30.8); a malformed end is pulled back to the start.
    line, column = max(1, span.line), max(1, span.column)
    end = max((line, column), (span.end_line, span.end_column))
    return om.Region(
        start_line=line, start_column=column, end_line=end[0], end_column=end[1]
    )


def _directory_uri(root: Path) -> str:
    uri = root.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


# Serialising ---------------------------------------------------------------


def serialise(value: Any) -> Any:
    """sarif-om objects as JSON values: the schema's property names, and
    every field left at its schema default dropped."""
    if attrs.has(type(value)):
        document = {}
        for spec in attrs.fields(type(value)):
            field = getattr(value, spec.name)
            name = spec.metadata["schema_property_name"]
            if field is None:
                continue
            if field == _default(spec) and name not in _ALWAYS_WRITTEN:
                continue
            document[name] = serialise(field)
        return document
    if isinstance(value, list | tuple):
        return [serialise(item) for item in value]
    if isinstance(value, dict):
        return {key: serialise(item) for key, item in value.items()}
    return value


def _default(spec: attrs.Attribute[Any]) -> Any:
    # attrs' stubs declare `Factory` as a function returning what it makes
    # (so `x: list[int] = Factory(list)` checks); at run time it is the class
    # of the default, so mypy can neither accept it in isinstance nor narrow.
    default: Any = spec.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default
