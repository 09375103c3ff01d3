"""GitHub Actions workflows: job and service containers, and `run` steps.

A job's `container` and each of its `services` is a `Workload`: image,
`volumes`, `ports`, `env`, and `options`, which the runner hands to
`docker create` as they are, so they are read as docker flags. `run` steps
go through the shell source; they run in the job container when there is
one, on the runner otherwise. `DOCKER_HOST` in a workflow, job or step
`env` of a job without container points the runner's own client.
"""

from __future__ import annotations

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import EnvVar, Facts, Word, Workload
from sockelint.sources import ci_common, powershell, shell
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _workflow)


def _workflow(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    """A workflow's jobs, or an action's `runs` (action.yml)."""
    workflow_env = ci_common.environment(yaml, yamlnodes.get(root, "env"))
    for key, job in yamlnodes.items(yamlnodes.get(root, "jobs")):
        if isinstance(job, MappingNode):
            _job(yaml, str(key.value), job, workflow_env, facts)
    _action(yaml, yamlnodes.get(root, "runs"), facts)


def _action(yaml: Yaml, runs: Node | None, facts: Facts) -> None:
    """An action's own `runs`: a composite action's steps run in the job
    that uses it, as its own steps would; a Docker action is a container
    started with `args` (and `entrypoint`) as its command."""
    if not isinstance(runs, MappingNode):
        return
    using = (yamlnodes.scalar(yamlnodes.get(runs, "using")) or "").lower()
    if using == "composite":
        for step in yamlnodes.sequence(yamlnodes.get(runs, "steps")):
            _step(yaml, step, [], None, facts)
    elif using == "docker":
        _docker_action(yaml, runs, facts)


def _docker_action(yaml: Yaml, runs: MappingNode, facts: Facts) -> None:
    image_node = yamlnodes.get(runs, "image")
    if not isinstance(image_node, ScalarNode) or yamlnodes.is_null(image_node):
        return
    image = yaml.word(image_node)
    name = image.text.removeprefix("docker://")
    workload = Workload(
        name,
        image.span,
        "GitHub Actions Docker action",
        image=Word(name, image.span, image.raw),
        env=ci_common.environment(yaml, yamlnodes.get(runs, "env")),
        extent=yamlnodes.extent(runs, yaml.path),
    )
    words: list[Word] = []
    for field in ("entrypoint", "args"):
        node = yamlnodes.get(runs, field)
        words += [yaml.word(n) for n in ci_common.script_nodes(node)]
    if words:
        commands = shell.commands_from_argv(words, runs_in=name)
        ci_common.add_commands(facts, commands, workload)
    for field in ("pre-entrypoint", "post-entrypoint"):
        node = yamlnodes.get(runs, field)
        words = [yaml.word(n) for n in ci_common.script_nodes(node)]
        if words:
            commands = shell.commands_from_argv(words, runs_in=name)
            ci_common.add_commands(facts, commands, workload)
    facts.workloads.append(workload)


def _job(
    yaml: Yaml, name: str, job: MappingNode, inherited: list[EnvVar], facts: Facts
) -> None:
    env = inherited + ci_common.environment(yaml, yamlnodes.get(job, "env"))
    container = _container(yaml, name, yamlnodes.get(job, "container"), env)
    if container is not None:
        container.origin = "GitHub Actions job container"
        facts.workloads.append(container)

    for key, node in yamlnodes.items(yamlnodes.get(job, "services")):
        service = _container(yaml, str(key.value), node, [])
        if service is not None:
            service.origin = f"GitHub Actions service of job `{name}`"
            service.span = yamlnodes.span(key, yaml.path)
            facts.workloads.append(service)

    for step in yamlnodes.sequence(yamlnodes.get(job, "steps")):
        _step(yaml, step, env, container, facts)


def _container(
    yaml: Yaml, name: str, node: Node | None, env: list[EnvVar]
) -> Workload | None:
    """`container: image` or the mapping form."""
    if node is None or yamlnodes.is_null(node):
        return None
    if isinstance(node, ScalarNode):
        image = yaml.word(node)
        return Workload(name, image.span, "", image=image, env=list(env))
    if not isinstance(node, MappingNode):
        return None

    declaration, extent = ci_common.workload_span(yaml, node, node)
    image_node = yamlnodes.get(node, "image")
    workload = Workload(name, declaration, "", env=list(env), extent=extent)
    if isinstance(image_node, ScalarNode) and not yamlnodes.is_null(image_node):
        workload.image = yaml.word(image_node)
    workload.env += ci_common.environment(yaml, yamlnodes.get(node, "env"))

    ci_common.container_flags(yaml, node, workload)
    return workload


def _step(
    yaml: Yaml,
    step: Node,
    job_env: list[EnvVar],
    container: Workload | None,
    facts: Facts,
) -> None:
    env = job_env + ci_common.environment(yaml, yamlnodes.get(step, "env"))
    if container is None:
        facts.clients += ci_common.clients_of(env, "GitHub Actions step environment")

    uses = yamlnodes.scalar(yamlnodes.get(step, "uses")) or ""
    if uses.startswith("docker://"):
        _docker_step(yaml, step, env, facts)

    run = yamlnodes.get(step, "run")
    runs_in = container.name if container is not None else "host"
    shell_name = (yamlnodes.scalar(yamlnodes.get(step, "shell")) or "").lower()
    if isinstance(run, ScalarNode) and shell_name in ("pwsh", "powershell"):
        # Backticks continue PowerShell lines; bash would read them as
        # command substitutions.
        commands = powershell.commands(yaml.excerpt(run), runs_in=runs_in)
    else:
        commands = ci_common.scripts(
            yaml, run, runs_in=runs_in, variables=ci_common.variables_of(env)
        )
    ci_common.add_commands(facts, commands, container)


def _docker_step(yaml: Yaml, step: Node, env: list[EnvVar], facts: Facts) -> None:
    """`uses: docker://image`: the step is a container of its own; `with.args`
    and `with.entrypoint` are what it runs."""
    uses = yamlnodes.get(step, "uses")
    assert isinstance(uses, ScalarNode)
    image = yaml.word(uses)
    name = image.text.removeprefix("docker://")
    workload = Workload(
        name,
        image.span,
        "GitHub Actions docker step",
        image=Word(name, image.span, image.raw),
        env=list(env),
        extent=yamlnodes.extent(step, yaml.path),
    )
    with_node = yamlnodes.get(step, "with")
    entrypoint = yamlnodes.get(with_node, "entrypoint")
    args = yamlnodes.get(with_node, "args")
    words = []
    if isinstance(args, ScalarNode) and str(args.value).strip():
        words = shell.words_of(yaml.excerpt(args))
    if isinstance(entrypoint, ScalarNode) and str(entrypoint.value).strip():
        words = [yaml.word(entrypoint), *words]
    if words:
        commands = shell.commands_from_argv(words, runs_in=name)
        ci_common.add_commands(facts, commands, workload)
    facts.workloads.append(workload)
