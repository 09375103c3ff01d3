"""Red-team cases that sockelint gets wrong and a local fix cannot mend.

Each is a strict xfail: the day it passes, the test fails and the case
moves to a fixture.
"""

from __future__ import annotations

import pytest

from sockelint import engine, kinds
from sockelint.document import Document
from sockelint.rules import RULES


def _rules(path: str, text: str) -> list[tuple[int, str]]:
    kind = kinds.kind_of(path, text[:4096])
    assert kind is not None, f"{path} is not a kind sockelint reads"
    findings = engine.check(Document(path, text, kind), RULES)
    return sorted((f.span.line, f.rule) for f in findings)


@pytest.mark.xfail(
    strict=True,
    reason="Makefile conditionals are skipped and variables keep the value "
    "written last, so a flag set only in one branch of `ifeq ... else` "
    "(the CI branch) is lost when the other branch assigns it too",
)
def test_makefile_conditional_branch_mount_is_sl101() -> None:
    text = (
        "ifeq ($(CI),true)\n"
        "DOCKER_FLAGS := -v /var/run/docker.sock:/var/run/docker.sock\n"
        "else\n"
        "DOCKER_FLAGS :=\n"
        "endif\n"
        "\n"
        "it:\n"
        "\tdocker run --rm $(DOCKER_FLAGS) app\n"
    )
    assert _rules("Makefile", text) == [(2, "SL101")]
