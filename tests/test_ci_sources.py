"""CI sources: positions mapped back through YAML and Groovy strings, and
no exception escaping on malformed input."""

from __future__ import annotations

import pytest

from sockelint import engine, kinds, yamlnodes
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
    "runs: {using: composite, steps: [1, {run: [1]}]}\n",
    "runs: {using: docker, image: [1], args: {x: 1}}\n",
    "runs: {using: docker, image: x, args: [[1], {a: b}]}\n",
    "steps: [{powershell: [1]}, {task: [1], inputs: 5}, {task: PowerShell@2}]\n",
    "steps: [{task: PowerShell@2, inputs: {script: [1]}}, {pwsh: '`'}]\n",
    "executors: [1]\njobs: {a: {executor: {name: [1]}, docker: [1, {image: x}]}}\n",
    "jobs: {a: {docker: 5, steps: [{run: {command: [1]}}, {when: 3}]}}\n",
    "definitions: {services: [1], steps: 5}\npipelines: {default: [{step: 4}]}\n",
    "pipelines: {default: [{step: {script: {a: 1}, image: {name: [1]}}}]}\n",
    "[[runners]]\n[runners.docker]\nservices_privileged = true\n"
    "allowed_privileged_services = 5\n[[runners.docker.services]]\nname = 5\n",
    "[[runners.docker.services]]\nname = 'x'\n[[runners]]\n"
    "[[runners.docker.services]]\n",
    "sh /unclosed slashy\nsh(/a\\/b/) / 2\n",
]
_KINDS = [
    ("github-actions", ".github/workflows/x.yml"),
    ("gitlab-ci", ".gitlab-ci.yml"),
    ("gitlab-runner", "gitlab-runner/config.toml"),
    ("jenkins", "Jenkinsfile"),
    ("drone", ".drone.yml"),
    ("woodpecker", ".woodpecker.yml"),
    ("azure-pipelines", "azure-pipelines.yml"),
    ("github-actions", "action.yml"),
    ("circleci", ".circleci/config.yml"),
    ("bitbucket-pipelines", "bitbucket-pipelines.yml"),
]


@pytest.mark.parametrize("text", _HOSTILE)
@pytest.mark.parametrize(("kind", "path"), _KINDS)
def test_malformed_input_never_crashes(kind: str, path: str, text: str) -> None:
    found = engine.check(Document(path, text, kind), RULES)
    internal = [f for f in found if "internal error" in f.message]
    assert internal == []


_CI_KINDS = {kind for kind, _ in _KINDS}


@pytest.mark.parametrize(
    ("path", "head", "kind"),
    [
        (".drone.yaml", "", "drone"),
        ("ci/.woodpecker/build.yaml", "", "woodpecker"),
        (".azure-pipelines/release.yml", "", "azure-pipelines"),
        ("ci/build.azure-pipelines.yml", "", "azure-pipelines"),
        ("azure-pipelines-pr.yml", "", "azure-pipelines"),
        (".circleci/config.yml", "", "circleci"),
        ("bitbucket-pipelines.yml", "", "bitbucket-pipelines"),
        # An Azure template under any name, told by its schema.
        (
            "pipelines/steps.yml",
            "parameters: []\nsteps:\n- script: make\n",
            "azure-pipelines",
        ),
        (
            "azure/ci.yml",
            "pool:\n  vmImage: ubuntu-latest\nsteps: []\n",
            "azure-pipelines",
        ),
        (
            "jobs.yml",
            "jobs:\n- job: a\n  steps:\n  - task: Docker@2\n",
            "azure-pipelines",
        ),
        (
            "deploy/containers.yml",
            "resources:\n  containers:\n  - container: b\n    image: x\n",
            "azure-pipelines",
        ),
        # A GitLab file included from the main one.
        ("ci/build.yml", "b:\n  stage: build\n  script:\n    - make\n", "gitlab-ci"),
        (
            "gl/needs.yml",
            "stages: [a]\nb:\n  needs:\n    - job: x\n  script: make\n",
            "gitlab-ci",
        ),
        ("action.yml", "name: x\nruns:\n  using: composite\n", "github-actions"),
        (
            "sub/action.yaml",
            "runs:\n  using: docker\n  image: Dockerfile\n",
            "github-actions",
        ),
        # Near misses: other tools' YAML that looks alike.
        ("action.yml", "name: x\ninputs: {}\n", None),
        ("concourse.yml", "jobs:\n- name: x\n  plan:\n  - task: unit\n", None),
        ("cloudbuild.yaml", "steps:\n- name: gcr.io/x\n  args: [build]\n", None),
        (".buildkite/pipeline.yml", "steps:\n  - label: x\n    command: make\n", None),
        (
            "play.yml",
            "- hosts: all\n  tasks:\n    - script: a.sh\n      when: x\n",
            None,
        ),
        (".travis.yml", "language: python\nscript:\n  - pytest\n", None),
        (
            "workflow-template.yml",
            "jobs:\n  a:\n    runs-on: x\n    needs: b\n    steps:\n"
            "      - uses: actions/github-script@v7\n        with:\n"
            "          script: x\n",
            None,
        ),
        ("circle/config.yml", "version: 2.1\njobs: {}\n", None),
        ("compose.yml", "services:\n  a:\n    image: x\n    command: x\n", "compose"),
    ],
)
def test_ci_kinds_by_name_and_content(path: str, head: str, kind: str | None) -> None:
    found = kinds.kind_of(path, head, in_chart=False)
    if kind is None:  # not a CI file (it may be some other kind)
        assert found not in _CI_KINDS
    else:
        assert found == kind


@pytest.mark.parametrize(
    ("script", "argvs"),
    [
        (
            "docker run `\n  -v 'a b:/c' `\n  img # note\nWrite-Host x",
            [["docker", "run", "-v", "a b:/c", "img"], ["Write-Host", "x"]],
        ),
        ('& "C:\\bin\\docker.exe" ps; docker info | Out-Null', None),
        ("echo \"a `\"b`\" c\" 'it''s'", [["echo", 'a "b" c', "it's"]]),
    ],
)
def test_powershell_statements(script: str, argvs: list[list[str]] | None) -> None:
    from sockelint.excerpt import Excerpt
    from sockelint.sources import powershell

    commands = powershell.commands(Excerpt.whole("x.yml", script))
    found = [c.argv for c in commands]
    if argvs is None:
        assert [a[:2] for a in found] == [
            ["docker", "ps"],
            ["docker", "info"],
            ["Out-Null"],
        ]
    else:
        assert found == argvs


def test_powershell_continued_mount_points_at_its_word() -> None:
    text = (
        "steps:\n"
        "  - pwsh: |\n"
        "      docker run --rm `\n"
        "        -v /var/run/docker.sock:/var/run/docker.sock `\n"
        "        alpine\n"
    )
    assert _findings("azure-pipelines.yml", text, "azure-pipelines") == [
        (4, 9, "SL101")
    ]


def test_bitbucket_step_shared_by_anchor_is_one_finding() -> None:
    text = (
        "definitions:\n"
        "  steps:\n"
        "    - step: &b\n"
        "        script:\n"
        "          - chmod 666 /var/run/docker.sock\n"
        "pipelines:\n"
        "  default:\n"
        "    - step: *b\n"
        "  branches:\n"
        "    main:\n"
        "      - step: *b\n"
    )
    found = _findings("bitbucket-pipelines.yml", text, "bitbucket-pipelines")
    assert found == [(5, 13, "SL301")]


def test_docker_action_runs_its_args() -> None:
    text = (
        "runs:\n"
        "  using: docker\n"
        "  image: docker://docker:cli\n"
        "  args: [dockerd, -H, 'tcp://0.0.0.0:2375']\n"
    )
    assert [r for _, _, r in _findings("action.yml", text, "github-actions")] == [
        "SL201"
    ]
