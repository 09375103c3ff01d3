"""Bitbucket Pipelines: each step's build container and its scripts.

Every `step` (under `pipelines` in `default`, `branches`, `tags`,
`pull-requests`, `custom`, inside `parallel` and `stage` groups, or
defined once under `definitions.steps` and reused through an anchor) runs
its `script` and `after-script` in a build container: the step's `image`,
or the file's. Each step is a `Workload` and its scripts go through the
shell source; a step shared by anchor is read once.

Services declared under `definitions.services` with an `image` are
containers of their own, with `variables` as their environment. The
`docker` service is Bitbucket's own docker-in-docker, reached by the
build container over its network without a socket; Bitbucket refuses
`--privileged` and bind mounts outside the clone directory, so most of
what there is to find here is in the scripts.

https://support.atlassian.com/bitbucket-cloud/docs/bitbucket-pipelines-configuration-reference/
"""

from __future__ import annotations

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import Facts, Word, Workload
from sockelint.sources import ci_common
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

_SCRIPTS = ("script", "after-script")
# Pipelines nest steps in groups of groups; a bound keeps hostile nesting cheap.
_MAX_DEPTH = 30


def parse(document: Document) -> Facts:
    return ci_common.parse_yaml(document, _pipelines)


def _pipelines(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    definitions = yamlnodes.get(root, "definitions")
    for key, service in yamlnodes.items(yamlnodes.get(definitions, "services")):
        _service(yaml, key, service, facts)

    image = _image(yaml, yamlnodes.get(root, "image"))
    seen: set[int] = set()
    for section in (
        yamlnodes.get(definitions, "steps"),
        yamlnodes.get(root, "pipelines"),
    ):
        if section is not None:
            _walk(yaml, section, image, seen, facts, 0)


def _image(yaml: Yaml, node: Node | None) -> Word | None:
    """`image: name` or `image: {name: ..., username: ...}`."""
    if isinstance(node, MappingNode):
        node = yamlnodes.get(node, "name")
    if isinstance(node, ScalarNode) and not yamlnodes.is_null(node):
        return yaml.word(node)
    return None


def _service(yaml: Yaml, key: ScalarNode, node: Node, facts: Facts) -> None:
    image = _image(yaml, yamlnodes.get(node, "image"))
    if image is None:
        return  # `docker: {memory: ...}` is the built-in dind service
    facts.workloads.append(
        Workload(
            str(key.value),
            yamlnodes.span(key, yaml.path),
            "Bitbucket Pipelines service",
            image=image,
            env=ci_common.environment(yaml, yamlnodes.get(node, "variables")),
            extent=yamlnodes.extent(node, yaml.path),
        )
    )


def _walk(
    yaml: Yaml,
    node: Node,
    image: Word | None,
    seen: set[int],
    facts: Facts,
    depth: int,
) -> None:
    """Every `step` mapping, however deep it sits in groups."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, SequenceNode):
        for item in node.value:
            _walk(yaml, item, image, seen, facts, depth + 1)
        return
    for key, value in yamlnodes.items(node):
        if str(key.value) == "step" and isinstance(value, MappingNode):
            if id(value) not in seen:
                seen.add(id(value))
                _step(yaml, key, value, image, facts)
        else:
            _walk(yaml, value, image, seen, facts, depth + 1)


def _step(
    yaml: Yaml, key: ScalarNode, step: MappingNode, image: Word | None, facts: Facts
) -> None:
    name = yamlnodes.scalar(yamlnodes.get(step, "name")) or "step"
    workload = Workload(
        name,
        yamlnodes.span(key, yaml.path),
        "Bitbucket Pipelines step",
        image=_image(yaml, yamlnodes.get(step, "image")) or image,
        extent=yamlnodes.extent(step, yaml.path),
    )
    for field in _SCRIPTS:
        commands = ci_common.scripts(yaml, yamlnodes.get(step, field), runs_in=name)
        ci_common.add_commands(facts, commands, workload)
    facts.workloads.append(workload)
