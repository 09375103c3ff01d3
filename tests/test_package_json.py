"""package.json scripts as shell, escapes placed exactly; cheap when none."""

from __future__ import annotations

from sockelint.document import Document
from sockelint.model import Facts
from sockelint.sources import package_json
from sockelint.span import Span


def facts(text: str) -> Facts:
    return package_json.parse(Document("package.json", text, "package-json"))


def test_escaped_quotes_keep_their_places() -> None:
    text = '{"scripts": {"up": "docker run -v \\"/a b\\":/c img"}}'

    (command,) = facts(text).commands

    assert command.argv == ["docker", "run", "-v", "/a b:/c", "img"]
    # The word runs from its escaped opening quote to the end of `:/c`.
    assert command.words[3].span == Span("package.json", 1, 35, 1, 46)


def test_unicode_escape_is_one_character() -> None:
    text = '{"scripts": {"up": "echo \\u0041 done"}}'

    (command,) = facts(text).commands

    assert command.argv == ["echo", "A", "done"]
    assert command.words[2].span.column == 33


def test_without_scripts_nothing_is_parsed() -> None:
    # Not JSON at all: still no finding, because nothing says "scripts".
    assert facts('{"name": oops').problems == []
    assert facts('{"name": "x", "scripts": oops').problems != []


def test_non_string_scripts_are_ignored() -> None:
    text = '{"scripts": {"a": 1, "b": null, "c": ["x"]}, "x": {"scripts": "ls"}}'

    assert facts(text).commands == []
