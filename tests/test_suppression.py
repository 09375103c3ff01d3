"""The inline suppression grammar as a truth table."""

from __future__ import annotations

import pytest

from sockelint import suppression
from sockelint.finding import Finding
from sockelint.span import Span

MOUNT = "      - /var/run/docker.sock:/var/run/docker.sock"


def finding(rule: str = "SL101", line: int = 3) -> Finding:
    return Finding(rule, Span("docker-compose.yml", line, 9, line, 50), "socket")


def document(*lines: str) -> list[str]:
    return ["services:", "  app:", *lines]


# (case, lines of the file after the first two, finding line, rule, silenced)
TABLE = [
    ("no comment", [MOUNT], 3, "SL101", False),
    (
        "id on the same line",
        [MOUNT + "  # sockelint: ignore[SL101] ok"],
        3,
        "SL101",
        True,
    ),
    (
        "name on the same line",
        [MOUNT + " # sockelint: ignore[engine-socket-mount]"],
        3,
        "SL101",
        True,
    ),
    ("lower-case id", [MOUNT + " # sockelint: ignore[sl101]"], 3, "SL101", True),
    (
        "id on the line above",
        ["      # sockelint: ignore[SL101] reason", MOUNT],
        4,
        "SL101",
        True,
    ),
    (
        "two lines above",
        ["      # sockelint: ignore[SL101]", "", MOUNT],
        5,
        "SL101",
        False,
    ),
    ("line below", [MOUNT, "      # sockelint: ignore[SL101]"], 3, "SL101", False),
    ("wrong rule", [MOUNT + " # sockelint: ignore[SL102]"], 3, "SL101", False),
    (
        "one of several",
        [MOUNT + " # sockelint: ignore[SL102, SL101]"],
        3,
        "SL101",
        True,
    ),
    ("bare ignore", [MOUNT + " # sockelint: ignore"], 3, "SL101", True),
    (
        "bare ignore with reason",
        [MOUNT + " # sockelint: ignore it is fine"],
        3,
        "SL102",
        True,
    ),
    ("slash comment", [MOUNT + " // sockelint: ignore[SL101]"], 3, "SL101", True),
    ("html comment", ["<!-- sockelint: ignore[SL101] -->", MOUNT], 4, "SL101", True),
    ("not in a comment", [MOUNT + " sockelint: ignore[SL101]"], 3, "SL101", False),
    ("other tool", [MOUNT + " # noqa: SL101"], 3, "SL101", False),
    ("ignore-file in the head", ["# sockelint: ignore-file", MOUNT], 4, "SL101", True),
    (
        "ignore-file for one rule",
        ["# sockelint: ignore-file[SL102]", MOUNT],
        4,
        "SL101",
        False,
    ),
    (
        "ignore-file too late",
        [*["# filler"] * 10, "# sockelint: ignore-file", MOUNT],
        14,
        "SL101",
        False,
    ),
]


@pytest.mark.parametrize(
    ("lines", "line", "rule", "silenced"),
    [case[1:] for case in TABLE],
    ids=[case[0] for case in TABLE],
)
def test_truth_table(lines: list[str], line: int, rule: str, silenced: bool) -> None:
    text = document(*lines)
    assert MOUNT.strip() in text[line - 1]

    kept = suppression.apply(text, [finding(rule, line)])

    assert (kept == []) is silenced


def test_other_findings_survive() -> None:
    text = document(MOUNT + " # sockelint: ignore[SL102]")

    kept = suppression.apply(text, [finding("SL101"), finding("SL102")])

    assert [f.rule for f in kept] == ["SL101"]


MARKDOWN = [
    "# Setup",  # 1
    "",  # 2
    "<!-- sockelint: ignore[SL101] the docs show the risk on purpose -->",  # 3
    "```yaml",  # 4
    "services:",  # 5
    "  app:",  # 6
    "    volumes:",  # 7
    "      - /var/run/docker.sock:/var/run/docker.sock",  # 8
    "```",  # 9
    "",  # 10
    "```yaml",  # 11
    "      - /var/run/docker.sock:/var/run/docker.sock",  # 12
    "```",  # 13
]


@pytest.mark.parametrize(
    ("line", "rule", "silenced"),
    [
        (8, "SL101", True),  # inside the fence right below the comment
        (8, "SL102", False),  # another rule
        (12, "SL101", False),  # a later fence
    ],
)
def test_html_comment_before_a_fence_covers_the_fence(
    line: int, rule: str, silenced: bool
) -> None:
    kept = suppression.apply(MARKDOWN, [finding(rule, line)])

    assert (kept == []) is silenced


def test_html_comment_not_before_a_fence_covers_the_next_line_only() -> None:
    lines = ["<!-- sockelint: ignore -->", "text", "more"]

    assert suppression.apply(lines, [finding("SL101", 2)]) == []
    assert suppression.apply(lines, [finding("SL101", 3)]) != []
