"""Rule pages and the registry stay in step; the pages ship in the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sockelint import ruledocs
from sockelint.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT.parent / "shared" / "DESIGN.md"

# DESIGN.md's rule catalogue: id -> name.
CATALOGUE = {
    "SL000": "invalid-file",
    "SL101": "engine-socket-mount",
    "SL102": "read-only-socket-trust",
    "SL103": "runtime-dir-mount",
    "SL104": "host-root-mount",
    "SL201": "plaintext-daemon",
    "SL202": "tls-without-client-auth",
    "SL203": "plaintext-client",
    "SL204": "dind-tls-disabled",
    "SL205": "socket-relay",
    "SL301": "socket-permissions",
    "SL302": "docker-group-grant",
    "SL303": "privileged-engine",
    "SL401": "proxy-allows-create",
    "SL402": "proxy-allows-dangerous",
    "SL403": "proxy-published",
    "SL404": "proxy-network-open",
}

# Every rule with a page: the catalogue plus SL001, which DESIGN.md names
# only in prose ("Unused ignores can be reported") and not in its table,
# since it is about suppression comments rather than engine access.
PAGES = CATALOGUE | {"SL001": "unused-suppression"}


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


@pytest.mark.skipif(not DESIGN.exists(), reason="../shared/DESIGN.md is absent")
def test_catalogue_matches_design() -> None:
    rows = re.findall(r"^\| (SL\d{3}) \| ([a-z-]+) \|", DESIGN.read_text(), re.M)

    assert dict(rows) == CATALOGUE


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_a_page(rule) -> None:  # type: ignore[no-untyped-def]
    text = ruledocs.page(rule.id)

    assert text is not None, f"rules/{rule.id}.md is missing"
    assert text.splitlines()[0] == f"# {rule.id} {rule.name}"


@pytest.mark.parametrize("rule_id", ruledocs.page_ids())
def test_page_has_the_fixed_headings(rule_id: str) -> None:
    text = ruledocs.page(rule_id)
    assert text is not None

    assert headings(text) == [f"# {rule_id} {PAGES[rule_id]}", *ruledocs.HEADINGS]
    sections = re.split(r"^## .*$", text, flags=re.M)[1:]
    assert all(section.strip() for section in sections), "an empty section"


def test_pages_belong_to_the_catalogue() -> None:
    pages = set(ruledocs.page_ids())

    assert pages == set(PAGES)
    assert {rule.id for rule in RULES} <= pages


def test_unknown_page() -> None:
    assert ruledocs.page("SL999") is None
    assert ruledocs.page("../README") is None


def test_every_subpackage_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])

    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "sockelint").rglob("__init__.py")
    }

    assert on_disk | {"sockelint.ruledocs_data"} == listed
    assert config["tool"]["setuptools"]["package-dir"] == {
        "sockelint.ruledocs_data": "rules"
    }


def test_installed_wheel_serves_the_pages(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = venv / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", str(ROOT)], check=True)

    done = subprocess.run(
        [str(venv / "bin" / "sockelint"), "explain", "SL101"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# SL101 engine-socket-mount\n")
