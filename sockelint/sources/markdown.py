"""Markdown: the fenced code blocks a reader would copy and run.

A fence tagged as shell (`sh`, `bash`, `console`, ...) goes through the
shell source, one tagged `dockerfile` through the Dockerfile source, one
tagged `powershell` (`pwsh`, `ps1`) through the PowerShell reader. Others
go to the source their content says they are:

- `yaml`: a compose file, a Kubernetes manifest, Ansible plays or tasks,
  or cloud-init user data (`#cloud-config` first);
- `hcl`, `terraform`, `tf`, `nomad`: a Nomad job when it declares one,
  Terraform otherwise;
- `ini`, `systemd`: a Quadlet unit when it has a `[Container]` or `[Pod]`
  section, a systemd unit when it has `[Service]` or `[Socket]`;
- `nginx`: nginx configuration.

Each fence is read in place: its lines keep their file line and column
(inside a block quote too, `> ` markers and all), so a finding points into
the Markdown file.

Only fences are read: untagged fences, other languages, other YAML (CI
files, application settings), indented code blocks and prose stay out (a
docs page mentions `/var/run/docker.sock` in many ways that are not a
configuration). Docs are full of partial snippets (`...`, a fragment of a
compose file), so a fence that does not parse is dropped quietly instead
of becoming an SL000 for the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sockelint import relocate
from sockelint.document import Document
from sockelint.excerpt import Excerpt, ExcerptLine
from sockelint.model import Facts

log = logging.getLogger(__name__)

_SHELL = frozenset({"sh", "bash", "shell", "zsh", "ksh", "shell-script"})
_CONSOLE = frozenset({"console", "shell-session", "shellsession", "sh-session"})
_YAML = frozenset({"yaml", "yml"})
_DOCKERFILE = frozenset({"dockerfile", "docker", "containerfile"})
_POWERSHELL = frozenset({"powershell", "pwsh", "ps1", "posh"})
_HCL = frozenset({"hcl", "hcl2", "terraform", "tf", "nomad"})
_UNIT = frozenset({"ini", "systemd"})
_NGINX = frozenset({"nginx", "nginxconf"})
# YAML a fence may hold beyond compose and Kubernetes, by what
# `kinds.kind_of_text` makes of its content.
_YAML_KINDS = frozenset({"ansible", "cloud-init"})

_OPENING = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# A block quote marker: up to three spaces, `>` and the one space after it.
_QUOTE = re.compile(r" {0,3}> ?")
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
_NOMAD_JOB = re.compile(r'^\s*job\s+"[^"\n]*"\s*\{', re.MULTILINE)
_SECTION = re.compile(r"^[ \t]*\[(?P<name>[A-Za-z]+)\][ \t]*$", re.MULTILINE)
# PowerShell's prompt (`PS C:\> `, `PS> `) and its continuation prompt.
_PS_PROMPT = re.compile(r"^(?P<lead>\s*)(?P<prompt>PS(?: [^>\n]*)?> |>> )")


@dataclass(frozen=True, slots=True)
class Fence:
    language: str  # the info string's first word, lower case
    first: int  # 0-based index of the first content line
    lines: list[str]  # the content lines, as written (indentation kept)
    # 0-based file column of each content line's first character: past the
    # `> ` markers of a block quote the fence sits in, 0 otherwise.
    columns: list[int] = field(default_factory=list)

    def column(self, row: int) -> int:
        return self.columns[row] if row < len(self.columns) else 0

    def excerpt_lines(self) -> list[ExcerptLine]:
        return [
            ExcerptLine(text, self.first + row + 1, self.column(row) + 1)
            for row, text in enumerate(self.lines)
        ]


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
    least as long, by the end of the block quote they sit in, or by the
    end of the file."""
    base = 0  # content indentation of the container the text is in
    index = 0
    while index < len(lines):
        depth, offset = _unquoted(lines[index])
        line = lines[index][offset:]
        opening = _OPENING.match(line)
        indent = len(opening.group("indent")) if opening else 0
        if opening and _is_fence(opening, indent, base):
            fence = opening.group("fence")
            content, columns, after = _body(lines, index + 1, fence, depth)
            info = opening.group("info").strip()
            yield Fence(_language(info), index + 1, content, columns)
            index = after
            continue

        base = _container(line, base)
        index += 1


def _unquoted(line: str, most: int = -1) -> tuple[int, int]:
    """How many block quote markers `line` starts with (at most `most`,
    when given) and where the text after them starts."""
    depth = offset = 0
    while depth != most:
        marker = _QUOTE.match(line, offset)
        if marker is None:
            break
        depth, offset = depth + 1, marker.end()
    return depth, offset


def _body(
    lines: list[str], start: int, fence: str, depth: int
) -> tuple[list[str], list[int], int]:
    """The content lines of a fence opened at `start - 1` inside `depth`
    block quotes, their columns, and the index of the line after it: a line
    with fewer quote markers ends the quote and the fence with it."""
    char, length = fence[0], len(fence)
    content: list[str] = []
    columns: list[int] = []
    for index in range(start, len(lines)):
        found, offset = _unquoted(lines[index], depth)
        if found < depth:
            return content, columns, index
        text = lines[index][offset:]
        stripped = text.strip()
        if len(stripped) >= length and stripped == char * len(stripped):
            return content, columns, index + 1
        content.append(text)
        columns.append(offset)
    return content, columns, len(lines)


def _is_fence(opening: re.Match[str], indent: int, base: int) -> bool:
    if opening.group("fence")[0] == "`" and "`" in opening.group("info"):
        return False  # inline code such as ```foo``` is not a fence
    return indent <= 3 or 0 <= indent - base <= 3


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
    readers: tuple[tuple[frozenset[str], Reader], ...] = (
        (_SHELL, _shell),
        (_CONSOLE, _root_console),
        (_YAML, _yaml),
        (_DOCKERFILE, _dockerfile),
        (_POWERSHELL, _powershell),
        (_HCL, _hcl),
        (_UNIT, _unit),
        (_NGINX, _nginx),
    )
    return next((read for names, read in readers if language in names), None)


def _shell(document: Document, fence: Fence) -> Facts:
    """A script; when its lines carry `$ ` prompts it is a transcript."""
    if any(
        _PROMPT.match(line) and line.lstrip().startswith("$ ") for line in fence.lines
    ):
        return _console(document, fence)
    return _run_shell(document, Excerpt(document.path, fence.excerpt_lines()))


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
        column = fence.column(row) + 1
        if heredoc is not None:
            yield ExcerptLine(text, line, column)
            if text.strip() == heredoc:
                heredoc = None
            continue

        prompt = _PROMPT.match(text)
        if prompt and (continued or prompt.group("prompt") in prompts):
            start = prompt.end()
            command = text[start:]
            yield ExcerptLine(command, line, column + start)
        elif continued:
            command = text
            yield ExcerptLine(command, line, column)
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


def _powershell(document: Document, fence: Fence) -> Facts:
    """A PowerShell script; when its lines carry `PS> ` prompts it is a
    transcript, whose other lines are output."""
    from sockelint.sources import powershell

    lines = fence.excerpt_lines()
    if any(_PS_PROMPT.match(line.text) for line in lines):
        lines = [
            ExcerptLine(
                line.text[prompt.end() :], line.line, line.column + prompt.end()
            )
            for line in lines
            if (prompt := _PS_PROMPT.match(line.text))
        ]
    facts = Facts(document.path, "markdown")
    facts.commands += powershell.commands(Excerpt(document.path, lines))
    return facts


def _dockerfile(document: Document, fence: Fence) -> Facts:
    from sockelint.sources import dockerfile

    facts = Facts(document.path, "markdown")
    excerpt = Excerpt(document.path, fence.excerpt_lines())
    dockerfile.read_excerpt(excerpt, facts)
    return facts


def _yaml(document: Document, fence: Fence) -> Facts:
    """A compose file, a Kubernetes manifest, Ansible or cloud-init user
    data, decided by its content; other YAML (CI files, application
    settings) is not read."""
    from sockelint import kinds

    text = "\n".join(_dedented(fence)[0])
    if _API_VERSION.search(text) and _KIND.search(text):
        kind = "kubernetes"
    elif _has_services(fence.lines):
        kind = "compose"
    elif (found := kinds.kind_of_text(text)) in _YAML_KINDS:
        kind = str(found)
    else:
        return Facts(document.path, "markdown")
    return _read_as(document, fence, kind)


def _hcl(document: Document, fence: Fence) -> Facts:
    """A Nomad job when it declares one (or is tagged so), Terraform
    otherwise."""
    text = "\n".join(fence.lines)
    nomad = fence.language == "nomad" or _NOMAD_JOB.search(text)
    return _read_as(document, fence, "nomad" if nomad else "terraform")


def _unit(document: Document, fence: Fence) -> Facts:
    """A Quadlet unit or a systemd unit, by its sections; other INI files
    (tox, php, git config) are not read."""
    sections = {m.group("name") for m in _SECTION.finditer("\n".join(fence.lines))}
    if sections & {"Container", "Pod"}:
        return _read_as(document, fence, "quadlet")
    if sections & {"Service", "Socket"}:
        return _read_as(document, fence, "systemd")
    return Facts(document.path, "markdown")


def _nginx(document: Document, fence: Fence) -> Facts:
    return _read_as(document, fence, "nginx")


def _read_as(document: Document, fence: Fence, kind: str) -> Facts:
    """The fence read by the source of `kind` as a file of its own, its
    common indentation taken off, then moved into place."""
    from sockelint import sources

    lines, indent = _dedented(fence)
    # Read on its own (padding it with the lines above would make the YAML
    # scanner walk them again for every fence), then moved into place.
    found = sources.parser(kind)(Document(document.path, "\n".join(lines), kind))

    def place(line: int, column: int) -> tuple[int, int]:
        row = line - 1
        inside = 0 <= row < len(fence.lines)
        return fence.first + line, column + (
            fence.column(row) + indent if inside else 0
        )

    relocate.move(found, place)
    return found


def _dedented(fence: Fence) -> tuple[list[str], int]:
    """The fence's lines without the indentation they all share (a fence
    in a list item is indented as the item's text is)."""
    written = [line for line in fence.lines if line.strip()]
    indent = min((len(line) - len(line.lstrip(" ")) for line in written), default=0)
    return [line[indent:] for line in fence.lines], indent


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
