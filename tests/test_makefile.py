"""Makefile recipes as shell, make variables expanded, positions kept."""

from __future__ import annotations

from sockelint.document import Document
from sockelint.model import Command
from sockelint.sources import makefile
from sockelint.span import Span


def commands(text: str) -> list[Command]:
    return makefile.parse(Document("Makefile", text, "makefile")).commands


def test_recipe_prefixes_stripped_and_columns_kept() -> None:
    found = commands("run:\n\t@-docker run -v /s:/t img\n")

    assert found[0].argv == ["docker", "run", "-v", "/s:/t", "img"]
    assert found[0].words[2].span == Span("Makefile", 2, 15, 2, 17)


def test_variable_flavours() -> None:
    text = (
        "A := /a\n"
        "B = $(A)/b\n"
        "C ?= c\n"
        "C ?= not-this\n"
        "D = d\n"
        "D += e\n"
        "run:\n"
        "\techo $(B) ${C} $(D) $$FOO $(UNKNOWN) $(shell date)\n"
    )

    assert commands(text)[0].argv == [
        "echo",
        "/a/b",
        "c",
        "d",
        "e",
        "$FOO",
        "$UNKNOWN",
        "$(date)",
    ]


def test_continuation_lines_keep_their_line_numbers() -> None:
    found = commands("run:\n\t@docker run --rm \\\n\t-v /s:/t \\\n\t-it img\n")

    assert found[0].words[3].span.line == 3
    assert found[0].words[3].span.column == 2


def test_expanded_text_points_where_it_is_written() -> None:
    text = "RUN := docker run -v /s:/t\n\nrun:\n\t$(RUN) img\n"
    run = commands(text)[0]

    assert run.words[2].span == Span("Makefile", 1, 19, 1, 21)
    assert run.words[4].span.line == 4


def test_target_specific_variables() -> None:
    text = "S := /x\nrun: S := /y\nrun:\n\techo $(S)\nother:\n\techo $(S)\n"

    assert [c.argv for c in commands(text)] == [["echo", "/y"], ["echo", "/x"]]


def test_directives_and_comments_do_not_end_a_recipe() -> None:
    text = "run:\n\techo 1\nifeq ($(A),b)\n\techo 2\nendif\n# note\n\techo 3\nX = 1\n"

    assert [c.argv[1] for c in commands(text)] == ["1", "2", "3"]


def test_inline_recipe_after_semicolon() -> None:
    run = commands("run: dep ; docker run img\n")[0]

    assert run.argv == ["docker", "run", "img"]
    assert run.words[0].span == Span("Makefile", 1, 12, 1, 18)


def test_both_branches_of_a_conditional_are_read_once_each() -> None:
    text = (
        "ifeq ($(CI),true)\n"
        "FLAGS := -v /ci:/ci\n"
        "else\n"
        "FLAGS := -v /dev:/dev\n"
        "endif\n"
        "run:\n"
        "\tdocker run $(FLAGS) img\n"
        "\techo same in every reading\n"
    )

    found = [c.argv for c in commands(text)]

    assert sorted(found) == [
        ["docker", "run", "-v", "/ci:/ci", "img"],
        ["docker", "run", "-v", "/dev:/dev", "img"],
        ["echo", "same", "in", "every", "reading"],
    ]


def test_append_after_a_conditional_reaches_every_value() -> None:
    text = (
        "FLAGS := -t\n"
        "ifdef CI\nFLAGS := -v /ci:/ci\nendif\n"
        "FLAGS += --rm\n"
        "run:\n\tdocker run $(FLAGS) img\n"
    )

    found = sorted(c.argv for c in commands(text))

    assert found == [
        ["docker", "run", "-t", "--rm", "img"],
        ["docker", "run", "-v", "/ci:/ci", "--rm", "img"],
    ]
