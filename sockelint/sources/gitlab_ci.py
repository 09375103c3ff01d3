"""GitLab CI: each job's container and its services, variables and scripts.

A job runs in its `image` with its `services` beside it; both are
`Workload`s. GitLab hands every variable (global, `default`, the job's
own, through `extends`) to the job and to its services, so each gets them
in its environment, with the span of the line the variable is written on:
a `DOCKER_TLS_CERTDIR: ""` written once at the top is one finding however
many jobs inherit it. `script`, `before_script` and `after_script` run in
the job container and go through the shell source.

https://docs.gitlab.com/ci/yaml/
"""

from __future__ import annotations

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import EnvVar, Facts, Word, Workload
from sockelint.sources import ci_common
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode

# Top-level keys that are not jobs.
_RESERVED = frozenset(
    {
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "types",
        "spec",
    }
)
# Keys that make a mapping a job (or a template jobs extend).
_JOB_KEYS = frozenset(
    {"script", "extends", "trigger", "image", "services", "before_script", "run"}
)
_INHERITED = ("image", "services", "before_script", "after_script")
_SCRIPTS = ("before_script", "script", "after_script")
_MAX_EXTENDS = 11  # GitLab's own limit on extends depth


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _pipeline)


def _pipeline(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    jobs = {
        str(key.value): value
        for key, value in yamlnodes.items(root)
        if str(key.value) not in _RESERVED and _is_job(value)
    }
    defaults: dict[str, Node] = {}
    for name in _INHERITED:
        node = yamlnodes.get(yamlnodes.get(root, "default"), name)
        node = yamlnodes.get(root, name) or node
        if node is not None:
            defaults[name] = node
    global_env = ci_common.environment(yaml, yamlnodes.get(root, "variables"))

    keys = {str(k.value): k for k, _ in yamlnodes.items(root)}
    for name in jobs:
        settings = _effective(name, jobs)
        _job(yaml, keys[name], name, settings, defaults, global_env, facts)


def _is_job(node: Node) -> bool:
    return isinstance(node, MappingNode) and any(
        str(key.value) in _JOB_KEYS for key, _ in yamlnodes.items(node)
    )


def _effective(name: str, jobs: dict[str, Node]) -> dict[str, list[Node]]:
    """The job's keys after `extends`: later definitions win, and
    `variables` of every level are kept (GitLab merges mappings)."""
    chain = _extends_chain(name, jobs, 0, set())
    settings: dict[str, list[Node]] = {}
    for node in chain:
        for key, value in yamlnodes.items(node):
            if str(key.value) == "variables":
                settings.setdefault("variables", []).append(value)
            else:
                settings[str(key.value)] = [value]
    return settings


def _extends_chain(
    name: str, jobs: dict[str, Node], depth: int, seen: set[str]
) -> list[Node]:
    node = jobs.get(name)
    if node is None or name in seen or depth > _MAX_EXTENDS:
        return []
    seen.add(name)
    extends = yamlnodes.get(node, "extends")
    parents = [yamlnodes.scalar(extends)] if isinstance(extends, ScalarNode) else []
    parents += [yamlnodes.scalar(n) for n in yamlnodes.sequence(extends)]
    chain: list[Node] = []
    for parent in parents:
        if parent:
            chain += _extends_chain(parent, jobs, depth + 1, seen)
    return [*chain, node]


def _job(
    yaml: Yaml,
    key: ScalarNode,
    name: str,
    settings: dict[str, list[Node]],
    defaults: dict[str, Node],
    global_env: list[EnvVar],
    facts: Facts,
) -> None:
    def setting(field: str) -> Node | None:
        own = settings.get(field)
        return own[-1] if own else defaults.get(field)

    env = list(global_env)
    for declared in settings.get("variables", []):
        env += ci_common.environment(yaml, declared)

    declaration = yamlnodes.span(key, yaml.path)
    job = Workload(name, declaration, "GitLab CI job container", env=list(env))
    job.image = _image(yaml, setting("image"))
    facts.workloads.append(job)

    for service in yamlnodes.sequence(setting("services")):
        _service(yaml, service, name, env, facts)

    variables = ci_common.variables_of(env)
    for field in _SCRIPTS:
        commands = ci_common.scripts(
            yaml, setting(field), runs_in=name, variables=variables
        )
        ci_common.add_commands(facts, commands, job)


def _image(yaml: Yaml, node: Node | None) -> Word | None:
    """`image: name` or `image: {name: ...}`."""
    if isinstance(node, MappingNode):
        node = yamlnodes.get(node, "name")
    if isinstance(node, ScalarNode) and not yamlnodes.is_null(node):
        return yaml.word(node)
    return None


def _service(yaml: Yaml, node: Node, job: str, env: list[EnvVar], facts: Facts) -> None:
    """A service container: a string image or a mapping with `name`,
    `alias`, `command`, `entrypoint` and `variables` of its own."""
    image = _image(yaml, node)
    if image is None:
        return
    alias = yamlnodes.scalar(yamlnodes.get(node, "alias"))
    service = Workload(
        alias or _hostname(image.text),
        image.span,
        f"GitLab CI service of job `{job}`",
        image=image,
        env=env + ci_common.environment(yaml, yamlnodes.get(node, "variables")),
        extent=yamlnodes.extent(node, yaml.path),
    )

    from sockelint.sources import shell

    argv: list[Word] = []
    for field in ("entrypoint", "command"):
        argv += [
            yaml.word(item)
            for item in yamlnodes.sequence(yamlnodes.get(node, field))
            if isinstance(item, ScalarNode)
        ]
    if argv:
        commands = shell.commands_from_argv(argv, runs_in=service.name)
        ci_common.add_commands(facts, commands, service)
    facts.workloads.append(service)


def _hostname(image: str) -> str:
    """GitLab's default service hostname: the image without its tag, `/`
    turned into `__` (`docker:dind` is reached as `docker`)."""
    name = image.rsplit("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    return name.replace("/", "__")
