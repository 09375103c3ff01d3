"""Files that a provisioning tool writes with their content inline.

An Ansible `copy` task with `content:` and cloud-init's `write_files` put
text on the host at a path, and that text is read as what the path makes
it: a daemon config (daemon.json, a `docker.service.d` drop-in,
`/etc/default/docker`) is recorded as a write, which `derive` reads as it
reads the same file written by a script's heredoc; a script is read by the
shell source; a compose file by the compose source. Positions stay those
of the content in the playbook or user-data file.
"""

from __future__ import annotations

from sockelint import kinds, yamlnodes
from sockelint.document import Document
from sockelint.excerpt import ExcerptWord
from sockelint.model import Command, Facts, Word
from sockelint.sources import ci_common
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import Node, ScalarNode


def written(
    yaml: Yaml, writer: Word, target: Word, content: Node, facts: Facts
) -> None:
    """`content` written to the path `target` by the task or entry named
    by `writer` (its key word: where a finding about the write points)."""
    if not isinstance(content, ScalarNode) or yamlnodes.is_null(content):
        return
    text = str(content.value)
    name = target.text.replace("\\", "/").rsplit("/", 1)[-1].lower()

    if kinds.kind_of(name, "") == "compose":
        facts.extend(_embedded_compose(yaml, content))
    elif name.endswith((".sh", ".bash")) or text.startswith("#!"):
        commands = ci_common.scripts(yaml, content)
        ci_common.add_commands(facts, commands)
    else:
        excerpt = yaml.excerpt(content)
        if "{{" in text or "{%" in text:
            # A Jinja template of the config: its actions masked in place
            # (the first branch of each `if`), so the literal JSON or unit
            # beneath is read at its own positions.
            from sockelint.sources import helm

            text = helm.masked(text)[0]
        word = ExcerptWord(text, yamlnodes.span(content, yaml.path), text, excerpt)
        span = writer.span.cover(target.span)
        facts.commands.append(
            Command([writer, target], span, writes={target.text: word})
        )


def embedded_yaml(yaml: Yaml, node: Node) -> str | None:
    """The text of the file with only `node` left, every line and column
    where it was: a literal block (`|`) holding a YAML file, or a mapping
    written in place. None for other scalars (quoted, folded), whose lines
    are not the file's lines."""
    text = yaml.document.text
    start, end = node.start_mark, node.end_mark
    if isinstance(node, ScalarNode):
        if node.style != "|":
            return None
        body = text.find("\n", start.index)
        if body < 0:
            return None
        line = int(start.line) + 1
        return "\n" * line + text[body + 1 : int(end.index)]
    indent = " " * int(start.column)
    return "\n" * int(start.line) + indent + text[int(start.index) : int(end.index)]


def embedded_document(yaml: Yaml, node: Node, kind: str) -> Document | None:
    """A document of `kind` made of `node` alone, at its place in the file."""
    text = embedded_yaml(yaml, node)
    if text is None:
        return None
    from sockelint.sources import helm

    # Template actions (Jinja in a playbook) masked as Helm's are, so the
    # literal structure parses; only the first branch is read.
    masked = helm.masked(text)[0]
    location = yaml.document.location
    return Document(yaml.path, masked, kind, location)


def _embedded_compose(yaml: Yaml, node: Node) -> Facts:
    """A compose file written inline. Its parse problems are not reported:
    a template's content is not YAML until rendered."""
    document = embedded_document(yaml, node, "compose")
    if document is None:
        return Facts(yaml.path, "compose")
    from sockelint.sources import compose

    facts = compose.parse(document)
    facts.problems = []
    return facts
