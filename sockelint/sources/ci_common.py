"""What the CI sources share: scripts in YAML, docker flags, job environments.

A CI file says the same few things in many dialects: a script (a YAML
scalar or list of them, a Groovy string), the flags of the container a job
runs in (`options: --privileged -v ...`, Jenkins `args`), and variables.
Scripts go through the shell source with every character mapped back to
the file, however the scalar was written (literal, folded, plain over
several lines, quoted with escapes). Docker flags become a `Workload`
through `dockercli`, so they are read exactly as `docker run` reads them.
"""

from __future__ import annotations

from collections.abc import Callable

from sockelint import dockercli, endpoints, yamlnodes
from sockelint.document import Document
from sockelint.excerpt import Excerpt

# Groovy strings (jenkins) map their characters the same way.
from sockelint.excerpt import MappedExcerpt as MappedExcerpt
from sockelint.excerpt import Place as Place
from sockelint.excerpt import mapped_excerpt as mapped_excerpt
from sockelint.model import ClientEndpoint, Command, EnvVar, Facts, Word, Workload
from sockelint.span import Span
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

# Lists of commands nest (GitLab `!reference`, anchors of lists).
_MAX_NESTING = 8

# --------------------------------------------------------------------------
# YAML scalars


def offsets(document: Document) -> list[int]:
    """The index in the text where each (0-based) line starts."""
    starts = [0]
    for line in document.lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


class Positions:
    """Text indexes of a document turned into 1-based lines and columns."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.path = document.path
        self._starts = offsets(document)

    def place(self, index: int) -> Place:
        """1-based (line, column) of a text index."""
        low, high = 0, len(self._starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        return (low + 1, index - self._starts[low] + 1)


class Yaml(Positions):
    """One YAML document's text, for words and excerpts of its scalars."""

    def index(self, line: int, column: int) -> int:
        """Text index of a 0-based mark position."""
        if line >= len(self._starts):
            return len(self.document.text)
        return self._starts[line] + column

    def raw(self, node: Node) -> str:
        start = self.index(node.start_mark.line, node.start_mark.column)
        end = self.index(node.end_mark.line, node.end_mark.column)
        return self.document.text[start:end]

    def word(self, node: Node) -> Word:
        """A scalar as a word; `raw` is the text as written (quotes kept)
        when it sits on one line, so a part of it can be placed exactly."""
        text = yamlnodes.scalar(node) or ""
        span = yamlnodes.span(node, self.path)
        raw = self.raw(node) if span.line == span.end_line else text
        return Word(text, span, raw)

    def excerpt(self, node: ScalarNode) -> Excerpt:
        """The scalar's value with the way back to the file."""
        return yamlnodes.excerpt(node, self.path)


RootReader = Callable[["Yaml", MappingNode, Facts], None]


def parse_yaml(document: Document, read_root: RootReader) -> Facts:
    """The frame of the YAML sources (CI, Taskfile, cloud-init): each
    document of the file parsed (its problems kept as SL000), each mapping
    at the top handed to the source's own reader. A list or a scalar at the
    top is no pipeline."""
    facts = Facts(document.path, document.kind)
    roots, problems = yamlnodes.documents(document.text, document.path)
    facts.problems += problems

    yaml = Yaml(document)
    for root in roots:
        if isinstance(root, MappingNode):
            read_root(yaml, root, facts)
    return facts


def script_nodes(node: Node | None, depth: int = 0) -> list[ScalarNode]:
    """The scalars of a script: one string, or a list (of lists) of them."""
    if isinstance(node, ScalarNode):
        return [] if yamlnodes.is_null(node) else [node]
    if isinstance(node, SequenceNode) and depth < _MAX_NESTING:
        return [s for item in node.value for s in script_nodes(item, depth + 1)]
    return []


def scripts(
    yaml: Yaml,
    node: Node | None,
    *,
    runs_in: str = "host",
    variables: dict[str, str] | None = None,
) -> list[Command]:
    """The commands of a script. A shell line the grammar cannot read is
    not the CI file's fault to report: the runner fails that job."""
    from sockelint.sources import shell

    commands: list[Command] = []
    for scalar in script_nodes(node):
        if not str(scalar.value).strip():
            continue
        found, _ = shell.parse_excerpt(
            yaml.excerpt(scalar), variables=variables, runs_in=runs_in
        )
        commands += found
    return commands


def add_commands(
    facts: Facts, commands: list[Command], workload: Workload | None = None
) -> None:
    facts.commands += commands
    if workload is not None:
        workload.commands += commands


# --------------------------------------------------------------------------
# Environments


def environment(yaml: Yaml, node: Node | None) -> list[EnvVar]:
    """`NAME: value` pairs, or `NAME=value` strings. A value written as a
    mapping (GitLab `{value: ..., description: ...}`) gives its `value`;
    a secret reference (`from_secret`) has no value we know."""
    found: list[EnvVar] = []
    if isinstance(node, MappingNode):
        for key, value in yamlnodes.items(node):
            found.append(_pair(yaml, key, value))
        return found
    for item in yamlnodes.sequence(node):
        if isinstance(item, MappingNode) and yamlnodes.get(item, "name") is not None:
            found += _named_pair(yaml, item)
        elif isinstance(item, ScalarNode) and "=" in str(item.value):
            found.append(_assignment(yaml, item))
    return found


def _pair(yaml: Yaml, key: ScalarNode, value: Node) -> EnvVar:
    if isinstance(value, MappingNode):
        value = yamlnodes.get(value, "value") or value
    whole = yamlnodes.span(key, yaml.path).cover(yamlnodes.span(value, yaml.path))
    if not isinstance(value, ScalarNode) or yamlnodes.is_null(value):
        return EnvVar(str(key.value), None, whole)
    word = yaml.word(value)
    return EnvVar(str(key.value), word.text, whole, word.span)


def _named_pair(yaml: Yaml, item: MappingNode) -> list[EnvVar]:
    """Azure's list form: `- name: X` with `value: Y`."""
    name = yamlnodes.scalar(yamlnodes.get(item, "name"))
    value = yamlnodes.get(item, "value")
    if not name or not isinstance(value, ScalarNode):
        return []
    word = yaml.word(value)
    return [EnvVar(name, word.text, yamlnodes.extent(item, yaml.path), word.span)]


def _assignment(yaml: Yaml, item: ScalarNode) -> EnvVar:
    return EnvVar.assignment(yaml.word(item))


def variables_of(env: list[EnvVar]) -> dict[str, str]:
    """Known values, for expanding `$NAME` in scripts."""
    return {v.name: v.value for v in env if v.value is not None and "$" not in v.value}


def clients_of(env: list[EnvVar], origin: str) -> list[ClientEndpoint]:
    """`DOCKER_HOST` (or `CONTAINER_HOST`) in an environment that is no
    container's (a step on the runner itself): the same client endpoint a
    workload's would be."""
    return endpoints.clients_from_env(env, origin)


# --------------------------------------------------------------------------
# Docker flags


def container_flags(yaml: Yaml, node: Node, workload: Workload) -> None:
    """A CI container's `volumes`, `ports` and `options` (GitHub Actions and
    Azure Pipelines write them alike) read as `docker create` flags."""
    flags = flag_pairs("-v", _scalar_words(yaml, node, "volumes"))
    flags += flag_pairs("-p", _scalar_words(yaml, node, "ports"))
    options = yamlnodes.get(node, "options")
    if isinstance(options, ScalarNode) and str(options.value).strip():
        from sockelint.sources import shell

        flags += shell.words_of(yaml.excerpt(options))
    apply_flags(workload, flags)


def _scalar_words(yaml: Yaml, node: Node, name: str) -> list[Word]:
    return [
        yaml.word(item)
        for item in yamlnodes.sequence(yamlnodes.get(node, name))
        if isinstance(item, ScalarNode)
    ]


def apply_flags(workload: Workload, words: list[Word]) -> None:
    """Read `words` as the flags of `docker run` and give the workload
    what they say: mounts, privileged, env, ports, groups, networks."""
    if not words:
        return
    anchor = words[0].span
    image = Word("image", anchor, "")
    synthetic = [Word("docker", anchor, ""), Word("run", anchor, ""), *words, image]
    scratch = Facts(anchor.path, "ci")
    dockercli.interpret(Command(synthetic, anchor.cover(words[-1].span)), scratch)
    if not scratch.workloads:
        return

    flagged = scratch.workloads[0]
    workload.mounts += flagged.mounts
    workload.privileged = flagged.privileged or workload.privileged
    workload.env += flagged.env
    workload.ports += flagged.ports
    workload.groups += flagged.groups
    workload.networks += flagged.networks
    workload.labels.update(flagged.labels)
    if flagged.network_mode is not None:
        workload.network_mode = flagged.network_mode


def flag_pairs(flag: str, words: list[Word]) -> list[Word]:
    """`-v WORD` pairs for entries written one per item (`volumes:`,
    `ports:`), the flag placed on its value so spans stay on the entry."""
    pairs: list[Word] = []
    for word in words:
        pairs += [Word(flag, word.span, ""), word]
    return pairs


def workload_span(yaml: Yaml, key: Node, node: Node) -> tuple[Span, Span]:
    """The declaration (the key) and the whole extent of a workload."""
    declaration = yamlnodes.span(key, yaml.path)
    return declaration, declaration.cover(yamlnodes.extent(node, yaml.path))
