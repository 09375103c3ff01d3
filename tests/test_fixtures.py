"""Every fixture gives exactly the findings its annotations name."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_harness import FIXTURES, actual, expected, fixture_files


@pytest.mark.parametrize(
    "path", fixture_files(), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_fixture(path: Path) -> None:
    want = expected(path, path.read_text(encoding="utf-8"))
    got, messages = actual(path)

    missing = want - got
    extra = got - want
    assert not missing and not extra, (
        f"missing {sorted(missing)}, unexpected {sorted(extra)}\n" + "\n".join(messages)
    )
