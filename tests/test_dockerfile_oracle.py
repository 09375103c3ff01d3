"""Instruction boundaries agree with dockerfile-parse, used as an oracle.

Every Dockerfile without heredocs in fixtures/ and in the shared corpus is
read by both. They must agree on each instruction's keyword and start
line, and on its end line except where dockerfile-parse is known to be
wrong: a blank line inside a continuation ends the instruction there for
dockerfile-parse, while Docker (and our tokenizer) skip it and go on. Files
with such a line are compared on the instructions before it only. Heredoc
files are left out: dockerfile-parse reads heredoc bodies as instructions.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from sockelint import dockerfile_tokens, kinds
from sockelint.excerpt import Excerpt

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def _dockerfiles(base: Path) -> list[Path]:
    if not base.is_dir():
        return []
    return sorted(
        p
        for p in base.rglob("*")
        if p.is_file()
        and p.suffix != ".expect"
        and kinds.kind_of(p.name, "") == "dockerfile"
    )


def _ours(text: str) -> list[tuple[str, int, int]]:
    tokenized = dockerfile_tokens.tokenize(Excerpt.whole("Dockerfile", text))
    return [(i.keyword, i.line, i.end_line) for i in tokenized.instructions]


def _oracle(text: str) -> list[tuple[str, int, int]]:
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()))
    return [
        (item["instruction"], item["startline"] + 1, item["endline"] + 1)
        for item in parser.structure
        if item["instruction"] != "COMMENT"
    ]


def _blank_in_continuation(text: str) -> int | None:
    """The first line of a blank line inside a continuation, if any."""
    escape = "`" if "escape=`" in text.split("\n", 1)[0] else "\\"
    previous = ""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() and previous.rstrip().endswith(escape):
            return number
        if line.strip():
            previous = line
    return None


def _compare(text: str) -> None:
    ours, oracle = _ours(text), _oracle(text)
    cut = _blank_in_continuation(text)
    if cut is not None:
        # dockerfile-parse ends the instruction at the blank line: compare
        # what comes before, and the start of the instruction cut there.
        ours = [i for i in ours if i[1] < cut]
        oracle = [i for i in oracle if i[1] < cut]
        assert [i[:2] for i in ours] == [i[:2] for i in oracle]
        ours, oracle = ours[:-1], oracle[:-1]
    assert ours == oracle


def _has_heredoc(text: str) -> bool:
    return "<<" in text


def _cases() -> list[Path]:
    """Dockerfiles the oracle can read: it takes heredoc bodies for
    instructions, so files with heredocs are left to test_dockerfile.py."""
    every = _dockerfiles(ROOT / "fixtures") + _dockerfiles(CORPUS)
    return [p for p in every if not _has_heredoc(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.as_posix()[-60:])
def test_boundaries_agree_with_dockerfile_parse(path: Path) -> None:
    _compare(path.read_text(encoding="utf-8"))


def test_corpus_compared() -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    compared = [p for p in _dockerfiles(CORPUS) if not _has_heredoc(p.read_text())]
    assert len(compared) >= 10


def test_blank_line_in_continuation_is_where_they_differ() -> None:
    text = "FROM alpine\nRUN apk add \\\n\n    curl\nUSER nobody\n"

    assert _ours(text) == [("FROM", 1, 1), ("RUN", 2, 4), ("USER", 5, 5)]
    assert _oracle(text)[1] == ("RUN", 2, 3)
