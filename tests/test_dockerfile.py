"""The Dockerfile tokenizer and source: boundaries, positions, facts."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sockelint import dockerfile_tokens
from sockelint.document import Document
from sockelint.excerpt import Excerpt
from sockelint.model import Facts
from sockelint.sources import dockerfile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dockerfile"


def _tokens(text: str) -> dockerfile_tokens.Dockerfile:
    return dockerfile_tokens.tokenize(Excerpt.whole("Dockerfile", text))


def _facts(text: str) -> Facts:
    return dockerfile.parse(Document("Dockerfile", text, "dockerfile"))


def _where(word: object) -> tuple[int, int]:
    span = word.span  # type: ignore[attr-defined]
    return (span.line, span.column)


# -- tokenizer ---------------------------------------------------------------


def test_escape_directive_with_backtick() -> None:
    text = "# escape=`\nFROM x\nRUN a `\n    b\nRUN c \\\nUSER d\n"

    tokens = _tokens(text)

    assert tokens.escape == "`"
    assert [d.name for d in tokens.directives] == ["escape"]
    found = [(i.keyword, i.line, i.end_line) for i in tokens.instructions]
    assert found == [("FROM", 2, 2), ("RUN", 3, 4), ("RUN", 5, 5), ("USER", 6, 6)]
    assert tokens.instructions[1].rest == "a     b"


def test_directive_after_comment_or_blank_is_a_comment() -> None:
    after_blank = _tokens("\n# escape=`\nFROM x\nRUN a `\nUSER b\n")
    after_unknown = _tokens("# unknown=1\n# escape=`\nFROM x\n")

    assert after_blank.escape == "\\"
    assert [i.keyword for i in after_blank.instructions] == ["FROM", "RUN", "USER"]
    assert after_unknown.directives == []


def test_directive_twice_and_bad_escape_are_problems() -> None:
    tokens = _tokens("# escape=`\n# escape=\\\nFROM x\n")
    bad = _tokens("# escape=!\nFROM x\n")

    assert [p.span.line for p in tokens.problems] == [2]
    assert bad.escape == "\\" and [p.span.line for p in bad.problems] == [1]


def test_blank_and_comment_lines_inside_continuation_are_skipped() -> None:
    text = "FROM x\nRUN a \\\n\n# note\n   # indented note\n  b \\  \n  c\nUSER d\n"

    run = _tokens(text).instructions[1]

    assert (run.line, run.end_line) == (2, 7)
    assert run.rest == "a   b   c"
    assert [(w.text, *_where(w)) for w in run.words()] == [
        ("a", 2, 5),
        ("b", 6, 3),
        ("c", 7, 3),
    ]


def test_columns_of_words_on_continuation_lines() -> None:
    text = 'FROM x\nENV A=1 \\\n\tB="two words" \\\n    C=3\n'

    env = _tokens(text).instructions[1]
    words = env.words()

    assert [(w.raw, w.text, *_where(w)) for w in words] == [
        ("A=1", "A=1", 2, 5),
        ('B="two words"', "B=two words", 3, 2),
        ("C=3", "C=3", 4, 5),
    ]
    assert words[1].span.end_column == 15


def test_shell_excerpt_maps_joined_text_back() -> None:
    text = "FROM x\nRUN docker run \\\n    -v /a:/b \\\n\n    img\n"

    excerpt = _tokens(text).instructions[1].shell()

    assert excerpt.text == "docker run     -v /a:/b     img"
    column = excerpt.text.index("-v")
    assert excerpt.position(0, column) == (3, 5)
    assert excerpt.position(0, excerpt.text.index("img")) == (5, 5)
    end = excerpt.text.index("/a:/b") + len("/a:/b")
    assert excerpt.span((0, column), (0, end)).end_column == 13


def test_heredocs_several_on_one_line() -> None:
    text = 'FROM x\nRUN <<A <<-"B" cat\na1\nA\n\t\tb1\n\tB\nUSER c\n'

    tokens = _tokens(text)
    run = tokens.instructions[1]

    assert [(h.name, h.chomp, h.expand) for h in run.heredocs] == [
        ("A", False, True),
        ("B", True, False),
    ]
    assert (run.line, run.end_line) == (2, 6)
    body = run.heredocs[1].body.lines[0]
    assert (body.text, body.line, body.column) == ("b1", 5, 3)
    assert [i.keyword for i in tokens.instructions] == ["FROM", "RUN", "USER"]


def test_copy_heredoc_and_onbuild_heredoc() -> None:
    text = "FROM x\nCOPY <<EOF /etc/a\nbody\nEOF\nONBUILD RUN <<X\necho\nX\n"

    copy, onbuild = _tokens(text).instructions[1:]

    assert copy.heredocs[0].body.text == "body"
    assert onbuild.inner is not None and onbuild.inner.heredocs[0].name == "X"
    assert onbuild.end_line == 7


def test_heredoc_only_for_run_copy_add() -> None:
    tokens = _tokens("FROM x\nLABEL a=<<EOF\nUSER b\n")

    assert [i.keyword for i in tokens.instructions] == ["FROM", "LABEL", "USER"]


def test_unterminated_heredoc_is_a_problem() -> None:
    tokens = _tokens("FROM x\nRUN <<EOF\necho hi\n")

    assert [(p.span.line, p.span.column) for p in tokens.problems] == [(2, 5)]


def test_exec_form_words_with_positions() -> None:
    text = 'FROM x\nCMD ["sh", \\\n  "-c", "echo \\"hi\\""]\n'

    argv = _tokens(text).instructions[1].exec_form()

    assert argv is not None
    assert [(w.text, *_where(w)) for w in argv] == [
        ("sh", 2, 6),
        ("-c", 3, 3),
        ('echo "hi"', 3, 9),
    ]


def test_not_json_is_shell_form() -> None:
    instruction = _tokens("FROM x\nCMD [ -f a ] && b\n").instructions[1]

    assert instruction.exec_form() is None


def test_flags_are_split_from_the_command() -> None:
    text = "FROM x\nRUN --mount=type=cache,target=/c \\\n    --network=none make\n"

    run = _tokens(text).instructions[1]

    assert [f.text for f in run.flags] == [
        "--mount=type=cache,target=/c",
        "--network=none",
    ]
    assert run.rest == "make"


def test_unknown_instruction_is_a_problem_not_a_crash() -> None:
    tokens = _tokens("FROM x\nRUN a\n  && b\n\x00\n")

    assert [p.span.line for p in tokens.problems] == [3, 4]


# -- source ------------------------------------------------------------------


def test_stages_are_workloads() -> None:
    text = "ARG BASE=alpine:3.20\nFROM $BASE AS build\nFROM build\nFROM scratch\n"

    facts = _facts(text)

    assert [(w.name, w.image.text if w.image else None) for w in facts.workloads] == [
        ("build", "alpine:3.20"),
        ("build", "build"),
        ("scratch", "scratch"),
    ]
    assert _where(facts.workloads[0]) == (2, 6)
    assert {w.origin for w in facts.workloads} == {"dockerfile stage"}


def test_env_both_forms_and_arg_defaults() -> None:
    text = 'FROM x\nENV A=1 B="v 2"\nENV LEGACY some value\nARG C=${A}-c\nARG NOVALUE\n'

    workload = _facts(text).workloads[0]

    assert [(e.name, e.value, e.span.line) for e in workload.env] == [
        ("A", "1", 2),
        ("B", "v 2", 2),
        ("LEGACY", "some value", 3),
        ("C", "1-c", 4),
    ]
    legacy = workload.env[2]
    assert legacy.value_span is not None and legacy.value_span.column == 12


def test_run_commands_carry_stage_and_variables() -> None:
    text = (
        "FROM docker AS ci\nENV SOCK=/var/run/docker.sock\n"
        "RUN docker run -v $SOCK:/s a\n"
    )

    facts = _facts(text)

    [command] = facts.commands
    assert command.runs_in == "ci"
    assert command.argv[:4] == ["docker", "run", "-v", "/var/run/docker.sock:/s"]
    assert facts.workloads[0].commands == [command]


def test_exec_cmd_after_exec_entrypoint_is_its_arguments() -> None:
    text = 'FROM x\nENTRYPOINT ["dockerd"]\nCMD ["-H", "tcp://0.0.0.0:2375"]\n'

    facts = _facts(text)

    assert facts.commands[-1].argv == ["dockerd", "-H", "tcp://0.0.0.0:2375"]


def test_heredoc_bodies_reach_the_shell() -> None:
    text = (
        "FROM x\nRUN <<EOF\nusermod -aG docker a\nEOF\n"
        "RUN cat <<EOF > /etc/x\nhello\nEOF\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint('usermod -aG docker a')\nEOF\n"
    )

    facts = _facts(text)

    assert [(c.argv[0], c.span.line) for c in facts.commands] == [
        ("usermod", 3),
        ("cat", 5),
    ]


def test_volume_and_expose_bind_nothing() -> None:
    text = "FROM x\nVOLUME /var/run/docker.sock\nEXPOSE 2375 8080/udp\n"

    workload = _facts(text).workloads[0]

    assert [(m.target, m.host_path) for m in workload.mounts] == [
        ("/var/run/docker.sock", None)
    ]
    assert [(p.container_port, p.host_port) for p in workload.ports] == [
        ("2375", None),
        ("8080/udp", None),
    ]


def test_fragment_without_from_still_gives_commands() -> None:
    facts = _facts("RUN usermod -aG docker jenkins\n")

    assert facts.workloads == []
    assert [c.runs_in for c in facts.commands] == ["dockerfile"]


def test_done_when_fixture_points_at_line_and_column() -> None:
    """The issue's "done when": a heredoc, an escape directive and a blank
    line inside a continuation, findings at the right line and column."""
    from sockelint import engine
    from sockelint.rules import RULES

    path = FIXTURES / "heredoc-escape-blank-continuation" / "Dockerfile"
    document = Document("Dockerfile", path.read_text(), "dockerfile")

    findings = engine.check(document, RULES)

    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("SL101", 8, 5),
        ("SL101", 13, 15),
    ]


def test_garbage_never_raises() -> None:
    for text in (
        "",
        "\n\n",
        "\\",
        "RUN \\",
        "FROM",
        "ONBUILD",
        "CMD [",
        "ENV",
        "\ufeff",
    ):
        _facts(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="RUN FROMCOPY<<EOF\\`#=[]\"'\n\t-x$", max_size=120))
def test_any_text_tokenizes(text: str) -> None:
    _facts(text)
    _facts("# escape=`\n" + text)
