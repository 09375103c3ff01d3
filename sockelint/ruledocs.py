"""The documentation page of a rule, as written in the top-level `rules/`.

Running from a checkout, the pages are read from `rules/` beside the
package; an installed wheel carries the same files as the package
`sockelint.ruledocs_data` (pyproject maps `rules/` there).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

HEADINGS = (
    "## What it finds",
    "## Why it matters",
    "## Example",
    "## Instead",
    "## Known problems",
    "## References",
)

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "rules"
_ID = re.compile(r"^SL\d{3}$")


def page(rule_id: str) -> str | None:
    """The Markdown page of a rule id (SL101), or None if there is none."""
    if not _ID.match(rule_id):
        return None
    name = f"{rule_id}.md"
    local = _SOURCE_TREE / name
    if local.is_file():
        return local.read_text(encoding="utf-8")
    try:
        packaged = resources.files("sockelint.ruledocs_data") / name
        return packaged.read_text(encoding="utf-8") if packaged.is_file() else None
    except (ModuleNotFoundError, OSError):
        return None


def page_ids() -> list[str]:
    """Every rule id that has a page."""
    if _SOURCE_TREE.is_dir():
        names = [p.name for p in _SOURCE_TREE.iterdir()]
    else:
        try:
            names = [
                p.name for p in resources.files("sockelint.ruledocs_data").iterdir()
            ]
        except (ModuleNotFoundError, OSError):
            names = []
    return sorted(
        n.removesuffix(".md") for n in names if _ID.match(n.removesuffix(".md"))
    )
