"""cloud-init user data: what a machine runs and writes on its first boot.

A `#cloud-config` document is read for:

- `runcmd` and `bootcmd`: a string item is a shell script, a list item an
  argv; both go through the shell source with their positions;
- `write_files`: each entry's `content` read by what its `path` is (a
  daemon config, a script, a compose file), unless it is encoded;
- `users` with `groups` (a list, or names separated by commas) or
  `primary_group` naming docker, and `groups: [{docker: [users]}]`: a
  docker group grant.

User data that is a script (`#!` first) is read as one. Terraform
templates (`*.tpl`) have their `%{ ... }` directive lines blanked and
`${...}` interpolations read as unknown variables; a Jinja-templated file
(`## template: jinja`) has its template actions masked. Other user-data
formats (MIME multipart, `#include`) are not read.
https://cloudinit.readthedocs.io/en/latest/reference/modules.html
"""

from __future__ import annotations

import re

from sockelint import yamlnodes
from sockelint.document import Document
from sockelint.model import Command, Facts, Word
from sockelint.sources import ci_common, written_files
from sockelint.sources.ci_common import Yaml
from sockelint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode

_CLOUD_CONFIG = re.compile(
    r"(?:##[ \t]*template:[ \t]*jinja[ \t]*\r?\n)?#cloud-config[ \t]*(?:\r?\n|$)"
)
_JINJA_HEADER = re.compile(r"##[ \t]*template:[ \t]*jinja")
_DIRECTIVE_LINE = re.compile(r"^[ \t]*%\{[^\n]*\}[ \t]*$", re.MULTILINE)
_SCRIPTS = ("bootcmd", "runcmd")
_ENCODED = frozenset({"b64", "base64", "gz", "gzip", "gz+b64", "gz+base64"})
_GROUP_KEYS = (("groups", "-aG"), ("primary_group", "-g"))


def parse(document: Document) -> Facts:
    facts = Facts(document.path, document.kind)
    text = document.text.removeprefix("\ufeff")
    if text.startswith("#!"):
        from sockelint.sources import shell

        facts.extend(shell.parse(document))
        return facts
    if not _CLOUD_CONFIG.match(text):
        return facts

    readable = Document(document.path, _masked(document.text), document.kind)
    readable.location = document.location
    return ci_common.parse_yaml(readable, _config)


def _masked(text: str) -> str:
    """Template directives blanked and actions masked, every line and
    column kept, so the YAML beneath parses where it is written."""
    text = _DIRECTIVE_LINE.sub("", text)
    if _JINJA_HEADER.match(text):
        from sockelint.sources import helm

        text = helm.masked(text)[0]
    return text


def _config(yaml: Yaml, root: MappingNode, facts: Facts) -> None:
    for name in _SCRIPTS:
        for item in yamlnodes.values(root, name):
            _commands(yaml, item, facts)
    for files in yamlnodes.values(root, "write_files"):
        for entry in yamlnodes.sequence(files):
            _write_file(yaml, entry, facts)
    for users in yamlnodes.values(root, "users"):
        for entry in yamlnodes.sequence(users):
            _user(yaml, entry, facts)
    for groups in yamlnodes.values(root, "groups"):
        for entry in yamlnodes.sequence(groups):
            _group(yaml, entry, facts)


def _commands(yaml: Yaml, node: Node, facts: Facts) -> None:
    """`runcmd`/`bootcmd` items: a string runs through `sh`, a list is an
    argv run as is."""
    from sockelint.sources import shell

    seen: set[int] = set()
    for item in yamlnodes.sequence(node):
        if id(item) in seen:
            continue  # an alias of an item already read
        seen.add(id(item))
        if isinstance(item, ScalarNode):
            ci_common.add_commands(facts, ci_common.scripts(yaml, item))
        elif isinstance(item, SequenceNode):
            argv = [yaml.word(w) for w in item.value if isinstance(w, ScalarNode)]
            ci_common.add_commands(
                facts, shell.commands_from_argv(argv, runs_in="host")
            )


def _write_file(yaml: Yaml, entry: Node, facts: Facts) -> None:
    path = yamlnodes.get(entry, "path")
    content = yamlnodes.get(entry, "content")
    encoding = (yamlnodes.scalar(yamlnodes.get(entry, "encoding")) or "").lower()
    if not isinstance(path, ScalarNode) or content is None or encoding in _ENCODED:
        return
    key = next(k for k, v in yamlnodes.items(entry) if v is path)
    writer = Word("write_files", yamlnodes.span(key, yaml.path), str(key.value))
    written_files.written(yaml, writer, yaml.word(path), content, facts)


def _user(yaml: Yaml, entry: Node, facts: Facts) -> None:
    """A `users` entry (a bare string names a default user, no groups)."""
    if not isinstance(entry, MappingNode):
        return
    name = yamlnodes.get(entry, "name")
    user = yaml.word(name) if isinstance(name, ScalarNode) else None
    for key, flag in _GROUP_KEYS:
        for value in yamlnodes.values(entry, key):
            for group in _group_names(yaml, value):
                facts.commands.append(_usermod(flag, group, user))


def _group_names(yaml: Yaml, node: Node) -> list[Word]:
    """Group names of a list, or of a string separated by commas, each
    placed on its own name."""
    items = yamlnodes.sequence(node) if isinstance(node, SequenceNode) else [node]
    found: list[Word] = []
    for item in items:
        if not isinstance(item, ScalarNode) or yamlnodes.is_null(item):
            continue
        found += yaml.word(item).items()
    return found


def _group(yaml: Yaml, entry: Node, facts: Facts) -> None:
    """`groups: [{docker: [alice, bob]}]` creates the group with those
    members; a bare name only creates it."""
    for key, members in yamlnodes.items(entry):
        group = yaml.word(key)
        names = (
            yamlnodes.sequence(members)
            if isinstance(members, SequenceNode)
            else [members]
        )
        for member in names:
            if isinstance(member, ScalarNode) and not yamlnodes.is_null(member):
                user = yaml.word(member)
                facts.commands.append(_usermod("-aG", group, user))


def _usermod(flag: str, group: Word, user: Word | None) -> Command:
    """The grant as the command that makes it, for the host rules."""
    words = [Word("usermod", group.span, ""), Word(flag, group.span, ""), group]
    words += [user] if user is not None else []
    return Command(words, group.span)
