"""`package.json` scripts: npm, yarn and pnpm run each one through `sh -c`.

Every value of the `scripts` object (`"start": "docker run -v ..."`,
`pre`/`post` hooks alike) is a shell string. It is read by the shell
source with each character placed where the JSON writes it, escapes
(`\\"`, `\\u0041`) included, so a finding points into the string. A file
with no `"scripts"` in it (most of a monorepo's packages) costs one
substring test and is not parsed; `node_modules` is never walked.
Reference: https://docs.npmjs.com/cli/using-npm/scripts
"""

from __future__ import annotations

import re

from sockelint import jsonspans
from sockelint.document import Document
from sockelint.excerpt import Excerpt, MappedExcerpt, Place, mapped_excerpt
from sockelint.model import Facts

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")


def parse(document: Document) -> Facts:
    from sockelint.sources import shell

    facts = Facts(document.path, document.kind or "package-json")
    if '"scripts"' not in document.text:
        return facts
    try:
        root = jsonspans.parse(
            document.text, Excerpt.whole(document.path, document.text)
        )
    except jsonspans.JsonError as error:
        facts.problems.append(error.problem)
        return facts

    scripts = root.get("scripts") if root.kind == "object" else None
    if scripts is None or scripts.kind != "object":
        return facts
    for member in scripts.members:
        value = member.value
        if value.kind != "string" or not value.text or not value.text.strip():
            continue
        excerpt = string_excerpt(document, value)
        if excerpt is None:
            continue
        # npm fails that script when it runs; not the file's error.
        commands, _ = shell.parse_excerpt(excerpt, runs_in="host")
        facts.commands += commands
    return facts


def string_excerpt(document: Document, node: jsonspans.Node) -> MappedExcerpt | None:
    """A JSON string's value with the file place of each character: an
    escape puts its one character at the backslash. (Packer's JSON
    templates read their scripts through it too.)"""
    span = node.span
    if span.line != span.end_line or span.line > len(document.lines):
        return None  # JSON strings hold no raw line breaks
    raw = document.lines[span.line - 1][span.column : span.end_column - 2]
    first = span.column + 1  # after the opening quote

    text: list[str] = []
    places: list[Place] = []
    index = 0
    while index < len(raw):
        escape = _ESCAPE.match(raw, index) if raw[index] == "\\" else None
        end = escape.end() if escape else index + 1
        text.append(_decoded(raw[index:end]))
        places.append((span.line, first + index))
        index = end
    value = "".join(text)
    if value != node.text:
        return None  # not the string jsonspans read: do not guess places
    return mapped_excerpt(document.path, value, places)


def _decoded(piece: str) -> str:
    if not piece.startswith("\\") or len(piece) < 2:
        return piece
    if piece[1] == "u":
        return chr(int(piece[2:], 16))
    escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
    return escapes.get(piece[1], piece[1])
