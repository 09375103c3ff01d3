"""The three conventions for "on", as a truth table."""

from __future__ import annotations

import pytest

from sockelint import truth


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), ("yes", True), ("on", True), ("y", True),
     ("false", False), ("no", False), ("1", False), ("", False), (None, False)],
)  # fmt: skip
def test_yaml_true(text: str | None, expected: bool) -> None:
    assert truth.yaml_true(text) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("yes", True), ('"1"', True), ("2", True),
     ("0", False), ("", False), ("false", False), ("off", False), ("no", False),
     (None, False), ("'0'", False)],
)  # fmt: skip
def test_env_on(value: str | None, expected: bool) -> None:
    assert truth.env_on(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("", True), ("true", True), ("1", True),
     ("false", False), ("0", False)],
)  # fmt: skip
def test_flag_on(value: str | None, expected: bool) -> None:
    assert truth.flag_on(value) is expected
