"""Azure Pipelines: container resources, the jobs that use them, scripts.

`resources.containers` declares containers once (image, `options` handed
to `docker create`, `volumes`, `ports`, `env`, `mountReadOnly`); a job's
`container:` and `services:` name them, or give an image inline. Each
declared container is one `Workload`. `script` and `bash` steps go through
the shell source, wherever they sit (top-level `steps`, `jobs`, `stages`,
deployment strategies), as do the inline scripts of the Bash, CmdLine and
Azure CLI (bash) tasks. `powershell` and `pwsh` steps and the PowerShell
tasks' inline scripts are split by the `powershell` module instead.

https://learn.microsoft.com/azure/devops/pipelines/yaml-schema/resources-containers-container
"""

from __future__ import annotations

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import Command, Facts, Workload
from sockelint.sources import ci_common, powershell
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

_SCRIPT_STEPS = ("script", "bash")
_POWERSHELL_STEPS = ("powershell", "pwsh")
# Tasks whose `inputs.script` is an inline script, by task name.
_SHELL_TASKS = ("bash", "cmdline", "shellscript")
_POWERSHELL_TASKS = ("powershell", "azurepowershell")
# Steps sit at most this deep (stages, jobs, strategies, hooks).
_MAX_DEPTH = 30


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _pipeline)


def _pipeline(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    resources = yamlnodes.get(root, "resources")
    for item in yamlnodes.sequence(yamlnodes.get(resources, "containers")):
        workload = _container(yaml, item, "Azure Pipelines container resource")
        if workload is not None:
            facts.workloads.append(workload)
    _walk(yaml, root, facts, 0)


def _container(yaml: Yaml, node: Node, origin: str) -> Workload | None:
    if isinstance(node, ScalarNode):
        return None  # a reference to a resource, or an image with no flags
    image = yamlnodes.get(node, "image")
    if not isinstance(image, ScalarNode):
        return None
    name = yamlnodes.scalar(yamlnodes.get(node, "container")) or str(image.value)
    workload = Workload(
        name,
        yamlnodes.span(image, yaml.path),
        origin,
        image=yaml.word(image),
        env=ci_common.environment(yaml, yamlnodes.get(node, "env")),
        extent=yamlnodes.extent(node, yaml.path),
    )
    ci_common.container_flags(yaml, node, workload)
    return workload


def _task_name(node: MappingNode) -> str | None:
    """`task: PowerShell@2` is `powershell`; None for a step that is no task."""
    task = yamlnodes.scalar(yamlnodes.get(node, "task"))
    return task.split("@", 1)[0].strip().lower() if task else None


def _powershell(yaml: Yaml, node: ScalarNode) -> list[Command]:
    if yamlnodes.is_null(node) or not str(node.value).strip():
        return []
    return powershell.commands(yaml.excerpt(node))


def _task_script(yaml: Yaml, task: str | None, inputs: Node, facts: Facts) -> None:
    """The inline script of a PowerShell task (`script`, or `Inline` for
    Azure PowerShell), or of Azure CLI, whose `scriptType` says the shell."""
    script = None
    for field in ("script", "inline", "Inline", "inlineScript"):
        script = script or yamlnodes.get(inputs, field)
    if not isinstance(script, ScalarNode):
        return
    kind = (yamlnodes.scalar(yamlnodes.get(inputs, "scriptType")) or "").lower()
    if task == "azurecli" and kind in ("bash", "sh"):
        ci_common.add_commands(facts, ci_common.scripts(yaml, script))
    elif task != "azurecli" or kind in ("ps", "pscore"):
        ci_common.add_commands(facts, _powershell(yaml, script))


def _walk(yaml: Yaml, node: Node, facts: Facts, depth: int) -> None:
    """Every step with a script, and every inline job container."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, SequenceNode):
        for item in node.value:
            _walk(yaml, item, facts, depth + 1)
        return
    if not isinstance(node, MappingNode):
        return

    task = _task_name(node)
    for key, value in yamlnodes.items(node):
        name = str(key.value)
        if name in _SCRIPT_STEPS and isinstance(value, ScalarNode):
            commands = ci_common.scripts(yaml, value)
            ci_common.add_commands(facts, commands)
        elif name in _POWERSHELL_STEPS and isinstance(value, ScalarNode):
            ci_common.add_commands(facts, _powershell(yaml, value))
        elif name == "inputs" and task in _SHELL_TASKS:
            script = yamlnodes.get(value, "script")
            ci_common.add_commands(facts, ci_common.scripts(yaml, script))
        elif name == "inputs" and task in (*_POWERSHELL_TASKS, "azurecli"):
            _task_script(yaml, task, value, facts)
        elif name == "container" and isinstance(value, MappingNode):
            workload = _container(yaml, value, "Azure Pipelines job container")
            if workload is not None:
                facts.workloads.append(workload)
        elif name != "resources":
            _walk(yaml, value, facts, depth + 1)
