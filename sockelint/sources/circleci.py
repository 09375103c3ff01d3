"""CircleCI: the containers a job runs in, and its `run` steps.

A job's executor is `docker` (a list of images: the first is the primary
container the steps run in, the others are services beside it), `machine`
(a VM: the steps run on it, as on a host), or a named entry of
`executors`. Each image is a `Workload` with its own `environment`; a
`DOCKER_HOST` there is that container's client. `run` steps (a string, or a
mapping with `command`) go through the shell source, with the job's and
the step's `environment` known; steps nested in `when`/`unless` and the
steps of reusable `commands` are read too.

`setup_remote_docker` gives a docker-executor job a separate remote engine
reached over TLS, which is CircleCI's way of running docker commands
without a socket; it is nothing to report.

https://circleci.com/docs/configuration-reference/
"""

from __future__ import annotations

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import EnvVar, Facts, Workload
from sockelint.sources import ci_common, powershell, shell
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode

# `when` and `unless` nest steps; a bound keeps hostile nesting cheap.
_MAX_DEPTH = 20


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _config)


def _config(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    executors = {
        str(key.value): value
        for key, value in yamlnodes.items(yamlnodes.get(root, "executors"))
        if isinstance(value, MappingNode)
    }
    for key, job in yamlnodes.items(yamlnodes.get(root, "jobs")):
        if isinstance(job, MappingNode):
            _job(yaml, str(key.value), job, executors, facts)

    # Reusable commands run wherever the job that calls them runs.
    for _, command in yamlnodes.items(yamlnodes.get(root, "commands")):
        _steps(yaml, yamlnodes.get(command, "steps"), [], None, facts, 0)


def _job(
    yaml: Yaml,
    name: str,
    job: MappingNode,
    executors: dict[str, MappingNode],
    facts: Facts,
) -> None:
    executor = _executor(job, executors)
    env = ci_common.environment(yaml, yamlnodes.get(executor, "environment"))
    env += ci_common.environment(yaml, yamlnodes.get(job, "environment"))

    primary: Workload | None = None
    images = yamlnodes.sequence(yamlnodes.get(executor, "docker"))
    for index, image in enumerate(images):
        workload = _image(yaml, name, image, facts, primary=index == 0)
        primary = primary or workload

    # The job's environment is the steps', not the images': where the steps
    # run (primary container or machine), its DOCKER_HOST is their client.
    facts.clients += ci_common.clients_of(env, "CircleCI job environment")
    _steps(yaml, yamlnodes.get(job, "steps"), env, primary, facts, 0)


def _executor(job: MappingNode, executors: dict[str, MappingNode]) -> MappingNode:
    """The job itself when it declares `docker`/`machine`, or the named
    executor (`executor: name` or `executor: {name: ...}`)."""
    reference = yamlnodes.get(job, "executor")
    if isinstance(reference, MappingNode):
        reference = yamlnodes.get(reference, "name")
    named = executors.get(yamlnodes.scalar(reference) or "")
    if yamlnodes.get(job, "docker") is None and named is not None:
        return named
    return job


def _image(
    yaml: Yaml, job: str, node: Node, facts: Facts, *, primary: bool
) -> Workload | None:
    """One image of a docker executor; its `entrypoint` and `command` are
    what it runs."""
    image = yamlnodes.get(node, "image")
    if not isinstance(image, ScalarNode) or yamlnodes.is_null(image):
        return None
    word = yaml.word(image)
    name = yamlnodes.scalar(yamlnodes.get(node, "name"))
    origin = (
        "CircleCI primary container" if primary else f"CircleCI service of job `{job}`"
    )
    workload = Workload(
        job if primary else name or word.text,
        word.span,
        origin,
        image=word,
        env=ci_common.environment(yaml, yamlnodes.get(node, "environment")),
        extent=yamlnodes.extent(node, yaml.path),
    )
    argv = []
    for field in ("entrypoint", "command"):
        argv += [
            yaml.word(n) for n in ci_common.script_nodes(yamlnodes.get(node, field))
        ]
    if argv:
        commands = shell.commands_from_argv(argv, runs_in=workload.name)
        ci_common.add_commands(facts, commands, workload)
    facts.workloads.append(workload)
    return workload


def _steps(
    yaml: Yaml,
    node: Node | None,
    env: list[EnvVar],
    primary: Workload | None,
    facts: Facts,
    depth: int,
) -> None:
    if depth > _MAX_DEPTH:
        return
    for step in yamlnodes.sequence(node):
        for key, value in yamlnodes.items(step):
            name = str(key.value)
            if name == "run":
                _run(yaml, value, env, primary, facts)
            elif name in ("when", "unless"):
                steps = yamlnodes.get(value, "steps")
                _steps(yaml, steps, env, primary, facts, depth + 1)


def _run(
    yaml: Yaml,
    node: Node,
    job_env: list[EnvVar],
    primary: Workload | None,
    facts: Facts,
) -> None:
    """`run: command` or `run: {command: ..., environment: ..., shell: ...}`."""
    command: Node | None = node
    env = list(job_env)
    shell_name = ""
    if isinstance(node, MappingNode):
        command = yamlnodes.get(node, "command")
        step_env = ci_common.environment(yaml, yamlnodes.get(node, "environment"))
        env += step_env
        shell_name = (yamlnodes.scalar(yamlnodes.get(node, "shell")) or "").lower()
        facts.clients += ci_common.clients_of(step_env, "CircleCI step environment")
    if not isinstance(command, ScalarNode) or yamlnodes.is_null(command):
        return

    runs_in = primary.name if primary is not None else "host"
    if "powershell" in shell_name or "pwsh" in shell_name:
        commands = powershell.commands(yaml.excerpt(command), runs_in=runs_in)
    else:
        variables = ci_common.variables_of(env)
        commands = ci_common.scripts(
            yaml, command, runs_in=runs_in, variables=variables
        )
    ci_common.add_commands(facts, commands, primary)
