"""CI sources: positions mapped back through YAML and Groovy strings, and
no exception escaping on malformed input."""

from __future__ import annotations

import pytest

from sockelint import engine, yamlnodes
from sockelint.document import Document
from sockelint.rules import RULES
from sockelint.sources import ci_common
from sockelint.yamlnodes import ScalarNode


def _findings(path: str, text: str, kind: str) -> list[tuple[int, int, str]]:
    found = engine.check(Document(path, text, kind), RULES)
    return [(f.span.line, f.span.column, f.rule) for f in found]


def _scalar(text: str) -> tuple[ci_common.Yaml, ScalarNode]:
    document = Document("x.yml", text)
    roots, _ = yamlnodes.documents(text, "x.yml")
    node = yamlnodes.get(roots[0], "run")
    assert isinstance(node, ScalarNode)
    return ci_common.Yaml(document), node


@pytest.mark.parametrize(
    ("text", "row", "column", "place"),
    [
        ('run: "a \\"b\\" -v /x"\n', 0, 9, (1, 18)),  # after the escapes
        ("run: >\n  one\n  two -v /x\n", 0, 8, (3, 7)),  # folded onto one row
        ("run: plain\n  continued -v /x\n", 0, 16, (2, 13)),  # plain, two lines
        ("run: 'it''s -v /x'\n", 0, 5, (1, 13)),  # doubled single quote
    ],
)
def test_scalar_excerpt_maps_each_character(
    text: str, row: int, column: int, place: tuple[int, int]
) -> None:
    yaml, node = _scalar(text)
    excerpt = yaml.excerpt(node)
    assert excerpt.text.split("\n")[row][column] in "-/"
    assert excerpt.position(row, column) == place


def test_github_options_point_at_the_volume_word() -> None:
    text = (
        "jobs:\n  j:\n    container:\n      image: x\n"
        "      options: >-\n        --cpus 1\n"
        "        -v /var/run/docker.sock:/var/run/docker.sock\n"
    )
    found = _findings(".github/workflows/x.yml", text, "github-actions")
    assert found == [(7, 9, "SL101")]


def test_github_folded_run_points_at_the_volume_word() -> None:
    text = (
        "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: >\n"
        "          docker run --rm\n"
        "          -v /var/run/docker.sock:/var/run/docker.sock\n"
        "          alpine\n"
    )
    found = engine.check(
        Document(".github/workflows/x.yml", text, "github-actions"), RULES
    )
    spans = [
        (f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
        for f in found
    ]
    assert spans == [("SL101", 8, 11, 8, 55)]


def test_jenkins_escaped_dollar_keeps_columns() -> None:
    text = 'sh "docker run -v \\$A:/a -v /var/run/docker.sock:/s img"\n'
    assert _findings("Jenkinsfile", text, "jenkins") == [(1, 26, "SL101")]


def test_gitlab_variable_shared_by_jobs_is_one_finding() -> None:
    text = (
        "variables:\n  DOCKER_TLS_CERTDIR: ''\n"
        "a:\n  services: [docker:dind]\n  script: [true]\n"
        "b:\n  services: [docker:dind]\n  script: [true]\n"
    )
    assert _findings(".gitlab-ci.yml", text, "gitlab-ci") == [(2, 3, "SL204")]


def test_runner_tls_verify_off_without_host_is_clean() -> None:
    text = "[[runners]]\n  [runners.docker]\n    tls_verify = false\n"
    assert _findings("gitlab-runner/config.toml", text, "gitlab-runner") == []


_HOSTILE = [
    "",
    "\x00\x01",
    "[",
    "jobs: [1, 2]",
    "jobs:\n  a: 3\n  b:\n    container: [1]\n    services: 5\n    steps: {x: 1}\n",
    "a:\n  extends: a\n  script: {x: 1}\n",
    "steps: 4\nvolumes: [1, {name: x, host: [1]}]\npipeline: [1]\n",
    "resources: {containers: [1, {image: [1]}]}\njobs: [{steps: [{script: [1]}]}]",
    'sh(\nsh \'\n"""\ndocker.image(\n.inside(\nargs\n/* unclosed',
    '[[runners]]\n  [runners.docker]\n    volumes = ["a\n    host = 5\n',
    "a: &a [*a]\n",
]
_KINDS = [
    ("github-actions", ".github/workflows/x.yml"),
    ("gitlab-ci", ".gitlab-ci.yml"),
    ("gitlab-runner", "gitlab-runner/config.toml"),
    ("jenkins", "Jenkinsfile"),
    ("drone", ".drone.yml"),
    ("woodpecker", ".woodpecker.yml"),
    ("azure-pipelines", "azure-pipelines.yml"),
]


@pytest.mark.parametrize("text", _HOSTILE)
@pytest.mark.parametrize(("kind", "path"), _KINDS)
def test_malformed_input_never_crashes(kind: str, path: str, text: str) -> None:
    found = engine.check(Document(path, text, kind), RULES)
    internal = [f for f in found if "internal error" in f.message]
    assert internal == []
