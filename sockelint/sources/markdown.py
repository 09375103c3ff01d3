"""Markdown: the fenced code blocks a reader would copy and run.

A fence tagged as shell (`sh`, `bash`, `console`, ...) goes through the
shell source, one tagged `yaml` through the compose or Kubernetes source
(decided by its content), one tagged `dockerfile` through the Dockerfile
source. Each fence is read in place: its lines keep their file line and
column, so a finding points into the Markdown file.

Only fences are read: untagged fences, other languages, indented code
blocks and prose stay out (a docs page mentions `/var/run/docker.sock` in
many ways that are not a configuration). Docs are full of partial snippets
(`...`, a fragment of a compose file), so a fence that does not parse is
dropped quietly instead of becoming an SL000 for the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace

from sockelint.document import Document
from sockelint.excerpt import Excerpt, ExcerptLine
from sockelint.model import Facts
from sockelint.span import Span

log = logging.getLogger(__name__)

_SHELL = frozenset({"sh", "bash", "shell", "zsh", "ksh", "shell-script"})
_CONSOLE = frozenset({"console", "shell-session", "shellsession", "sh-session"})
_YAML = frozenset({"yaml", "yml"})
_DOCKERFILE = frozenset({"dockerfile", "docker", "containerfile"})

_OPENING = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# A line that opens a container whose content is indented: a list item or
# an mkdocs admonition / content tab. Fences inside it may sit deeper than
# three spaces without being indented code.
_LIST_ITEM = re.compile(r"^(?P<marker> *(?:[-*+]|\d{1,9}[.)]) +)\S")
_ADMONITION = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?|===) ")
# Prompts in front of a command in a console transcript. `# ` is root's
# prompt there (Pygments' ShellSessionLexer reads it so), but a comment in a
# script fence.
_PROMPT = re.compile(r"^(?P<lead>\s*)(?P<prompt>\$ |# |> )")
_COMMAND_PROMPTS = frozenset({"$ ", "# "})
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>[A-Za-z_][A-Za-z0-9_]*)\1")
_SERVICES = re.compile(r"^(?P<indent> *)services\s*:\s*(?:#.*)?$")
_API_VERSION = re.compile(r"^ *apiVersion\s*:", re.MULTILINE)
_KIND = re.compile(r"^ *kind\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Fence:
    language: str  # the info string's first word, lower case
    first: int  # 0-based index of the first content line
    lines: list[str]  # the content lines, as written (indentation kept)


def parse(document: Document) -> Facts:
    facts = Facts(document.path, "markdown")
    for fence in fences(document.lines):
        reader = _reader(fence.language)
        if reader is None or not fence.lines:
            continue

        where = (document.path, fence.first)  # the opening fence's line
        try:
            found = reader(document, fence)
        except Exception:  # RecursionError included
            # A snippet no source can take is not worth failing the page for.
            log.debug("%s: fence at line %d not read", *where, exc_info=True)
            continue
        if found.problems:
            # Snippets are often partial; their parse errors are not the page's.
            reason = found.problems[0].reason
            log.info("%s: fence at line %d not read: %s", *where, reason)
            found.problems = []
        facts.extend(found)
    return facts


# --------------------------------------------------------------------------
# Finding the fences


def fences(lines: list[str]) -> Iterator[Fence]:
    """Fenced code blocks as CommonMark sees them: three or more backticks
    or tildes, indented at most three spaces beyond the list item or
    admonition they sit in; closed by a fence of the same character at
    least as long, or by the end of the file."""
    base = 0  # content indentation of the container the text is in
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _OPENING.match(line)
        indent = len(opening.group("indent")) if opening else 0
        if opening and _is_fence(opening, indent, base):
            fence = opening.group("fence")
            end = _closing(lines, index + 1, fence)
            info = opening.group("info").strip()
            yield Fence(_language(info), index + 1, lines[index + 1 : end])
            index = end + 1
            continue

        base = _container(line, base)
        index += 1


def _is_fence(opening: re.Match[str], indent: int, base: int) -> bool:
    if opening.group("fence")[0] == "`" and "`" in opening.group("info"):
        return False  # inline code such as ```foo``` is not a fence
    return indent <= 3 or 0 <= indent - base <= 3


def _closing(lines: list[str], start: int, fence: str) -> int:
    char, length = fence[0], len(fence)
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if len(stripped) >= length and stripped == char * len(stripped):
            return index
    return len(lines)


def _container(line: str, base: int) -> int:
    """The content indentation after `line`: a list item or admonition
    opens one; a non-blank line left of it closes it."""
    item = _LIST_ITEM.match(line)
    if item:
        return len(item.group("marker"))
    admonition = _ADMONITION.match(line)
    if admonition:
        return len(admonition.group("indent")) + 4
    if line.strip() and len(line) - len(line.lstrip(" ")) < base:
        return 0
    return base


def _language(info: str) -> str:
    """The info string's first word: `yaml [docker-compose.yml]`,
    `sh [cli]`, `yaml title="compose.yaml"`, `{.bash}`, `yaml:compose.yml`."""
    words = info.split()
    if not words:
        return ""
    first = words[0].strip("{}").lstrip(".").lower()
    return re.split(r"[:\[{,]", first, maxsplit=1)[0]


# --------------------------------------------------------------------------
# Reading a fence with the source for its language

Reader = Callable[[Document, Fence], Facts]


def _reader(language: str) -> Reader | None:
    if language in _SHELL:
        return _shell
    if language in _CONSOLE:
        return _root_console
    if language in _YAML:
        return _yaml
    if language in _DOCKERFILE:
        return _dockerfile
    return None


def _shell(document: Document, fence: Fence) -> Facts:
    """A script; when its lines carry `$ ` prompts it is a transcript."""
    if any(
        _PROMPT.match(line) and line.lstrip().startswith("$ ") for line in fence.lines
    ):
        return _console(document, fence)
    lines = [
        ExcerptLine(text, fence.first + row + 1, 1)
        for row, text in enumerate(fence.lines)
    ]
    return _run_shell(document, Excerpt(document.path, lines))


def _root_console(document: Document, fence: Fence) -> Facts:
    """A fence tagged as a transcript, where `# ` is root's prompt."""
    return _console(document, fence, _COMMAND_PROMPTS)


def _console(
    document: Document, fence: Fence, prompts: frozenset[str] = frozenset({"$ "})
) -> Facts:
    """A transcript: only prompted lines and what continues them are
    commands; everything else is the commands' output."""
    lines = list(_commands(fence, prompts))
    return _run_shell(document, Excerpt(document.path, lines))


def _commands(fence: Fence, prompts: frozenset[str]) -> Iterator[ExcerptLine]:
    continued = False  # the previous command line ends with a backslash
    heredoc: str | None = None  # the word that ends a heredoc being read
    for row, text in enumerate(fence.lines):
        line = fence.first + row + 1
        if heredoc is not None:
            yield ExcerptLine(text, line, 1)
            if text.strip() == heredoc:
                heredoc = None
            continue

        prompt = _PROMPT.match(text)
        if prompt and (continued or prompt.group("prompt") in prompts):
            start = prompt.end()
            command = text[start:]
            yield ExcerptLine(command, line, start + 1)
        elif continued:
            command = text
            yield ExcerptLine(command, line, 1)
        else:
            continue

        continued = command.rstrip().endswith("\\")
        marker = _HEREDOC.search(command)
        if marker:
            heredoc = marker.group("word")


def _run_shell(document: Document, excerpt: Excerpt) -> Facts:
    from sockelint.sources import shell

    facts = Facts(document.path, "markdown")
    if not excerpt.lines:
        return facts
    commands, problems = shell.parse_excerpt(excerpt)
    facts.commands += commands
    facts.problems += problems
    return facts


def _yaml(document: Document, fence: Fence) -> Facts:
    """A compose file or a Kubernetes manifest, decided by its content; other
    YAML (CI files, Ansible, application settings) is not read."""
    text = "\n".join(fence.lines)
    if _API_VERSION.search(text) and _KIND.search(text):
        kind = "kubernetes"
    elif _has_services(fence.lines):
        kind = "compose"
    else:
        return Facts(document.path, "markdown")

    from sockelint import sources

    # Read on its own (padding it with the lines above would make the YAML
    # scanner walk them again for every fence), then moved into place.
    found = sources.parser(kind)(Document(document.path, text, kind))
    _move(found, fence.first, set())
    return found


def _move(value: object, lines: int, seen: set[int]) -> object:
    """`value` with every span in it moved down by `lines`. The facts were
    just made by the fence's own parse and nothing else holds them, so they
    are changed in place (frozen ones too); `seen` keeps an object shared
    between workloads from being moved twice."""
    if isinstance(value, Span):
        return replace(value, line=value.line + lines, end_line=value.end_line + lines)
    if isinstance(value, list):
        value[:] = [_move(item, lines, seen) for item in value]
    elif isinstance(value, dict):
        for key, item in value.items():
            value[key] = _move(item, lines, seen)
    elif is_dataclass(value) and not isinstance(value, type) and id(value) not in seen:
        seen.add(id(value))
        for name in (f.name for f in fields(value)):
            object.__setattr__(value, name, _move(getattr(value, name), lines, seen))
    return value


def _has_services(lines: list[str]) -> bool:
    """A `services:` key at the fence's top level."""
    content = [
        line for line in lines if line.strip() and not line.lstrip().startswith("#")
    ]
    if not content:
        return False
    top = min(len(line) - len(line.lstrip(" ")) for line in content)
    for line in content:
        match = _SERVICES.match(line)
        if match and len(match.group("indent")) == top:
            return True
    return False


def _dockerfile(document: Document, fence: Fence) -> Facts:
    from sockelint.sources import dockerfile

    facts = Facts(document.path, "markdown")
    lines = [
        ExcerptLine(text, fence.first + row + 1, 1)
        for row, text in enumerate(fence.lines)
    ]
    dockerfile.read_excerpt(Excerpt(document.path, lines), facts)
    return facts
