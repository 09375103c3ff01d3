"""Shell scripts, and shell text embedded anywhere else, as `Command`s.

The structure comes from tree-sitter-bash; positions are tree-sitter's byte
offsets converted to character columns and mapped back through an
`Excerpt`, so a `-v` inside a Makefile recipe or a YAML block scalar points
into the real file. Word values are unquoted with the variables assigned
earlier in the script expanded (`sockets.expand` semantics).

Commands run through `sudo`, `env`, `exec` and friends are unwrapped, and
command strings handed to another shell (`sh -c`, `ssh host '...'`,
`su -c`, `eval`) are parsed in turn with their positions mapped back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sockelint import sockets
from sockelint.argv import is_assignment
from sockelint.argv import program as _program
from sockelint.document import Document
from sockelint.excerpt import Excerpt, ExcerptWord
from sockelint.model import Command, Facts, Problem, Word
from sockelint.span import Span

if TYPE_CHECKING:
    import tree_sitter


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Command strings inside command strings: `bash -c "ssh h 'sh -c ...'"`.
_MAX_DEPTH = 4
# A script this large is not a hand-written script worth the parse time.
_MAX_CHARS = 2_000_000

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})
ENGINES = frozenset({"docker", "podman", "nerdctl", "dockerd"})

# Programs that run the rest of their arguments as a command, with the
# options that take a value (the option word is followed by its value).
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset(
        ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R"]
    ),
    "doas": _words("-u -C"),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o"}),
    "nice": frozenset({"-n"}),
    "ionice": _words("-c -n -p"),
    "stdbuf": _words("-i -o -e"),
    "setsid": frozenset(),
    "chrt": frozenset(),
    "unbuffer": frozenset(),
    "runuser": _words("-u -g -G"),
}
# Programs that run a command somewhere else and whose own arguments are
# not worth modelling: the command is found by its program name.
_RUNNERS = frozenset(
    {"orb", "orbctl", "limactl", "colima", "multipass", "xargs", "watch", "flock"}
    | {"parallel", "kubectl", "vagrant", "lxc", "incus", "systemd-run", "nsenter"}
)
# Programs whose arguments are text to print, never a command to run.
_PRINTERS = frozenset({"echo", "printf"})
_ANSIBLE_COMMAND_MODULES = frozenset({"command", "shell", "raw"})
_SSH_VALUED = _words("-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B")
_TEMPLATE = re.compile(r"\$?\{\{.*?\}\}", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The whole of an array, as one argument: `"${args[@]}"`, `${args[*]}`.
_ARRAY_USE = re.compile(r'^"?\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}"?$')
# A variable used unquoted, alone: its value is split into words.
_SPLIT_USE = re.compile(r"^\$(?:\{(?P<braced>[A-Za-z_]\w*)\}|(?P<bare>[A-Za-z_]\w*))$")


@lru_cache(maxsize=1)
def _parser() -> tree_sitter.Parser:
    # Imported on first use: a run over compose files never pays for it.
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


# --------------------------------------------------------------------------
# Public API


def parse(document: Document) -> Facts:
    excerpt = Excerpt.whole(document.path, document.text)
    result = _run(excerpt, {}, "host", 0)
    facts = Facts(document.path, "shell")
    facts.commands += result.commands
    facts.problems += result.problems
    for embedded in result.embedded:
        facts.extend(embedded)
    return facts


def parse_excerpt(
    excerpt: Excerpt,
    *,
    variables: dict[str, str] | None = None,
    runs_in: str = "host",
) -> tuple[list[Command], list[Problem]]:
    result = _run(excerpt, dict(variables or {}), runs_in, 0)
    return result.commands, result.problems


def commands_from_argv(words: list[Word], *, runs_in: str) -> list[Command]:
    """An exec-form argv (`["sh", "-c", "docker run ..."]`) as commands: the
    command itself, then the commands of any shell string it hands on."""
    if not words:
        return []
    span = words[0].span.cover(words[-1].span)
    walker = _Walker(Excerpt(span.path), {}, runs_in, 0)
    walker.emit(list(words), [], span, {})
    return walker.commands


def word_excerpt(word: Word) -> Excerpt:
    """The excerpt of a command string written as one word (`'...'`,
    `"..."` or bare), for parsing it as a script of its own."""
    if isinstance(word, ExcerptWord) and word.excerpt is not None:
        return word.excerpt
    raw = word.raw or word.text
    quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
    if quoted and word.text == raw[1:-1]:
        return Excerpt.at(
            word.span.path, word.text, word.span.line, word.span.column + 1
        )
    shift = 1 if quoted else 0
    return Excerpt.at(
        word.span.path, word.text, word.span.line, word.span.column + shift
    )


# --------------------------------------------------------------------------
# Excerpts inside excerpts


@dataclass(slots=True)
class _Inner(Excerpt):
    """Text copied verbatim out of another excerpt from (row, column) on:
    positions are composed with the outer excerpt's own mapping."""

    outer: Excerpt | None = None
    row: int = 0
    column: int = 0

    def position(self, row: int, column: int) -> tuple[int, int]:
        if self.outer is None:
            return Excerpt.position(self, row, column)
        if row == 0:
            return self.outer.position(self.row, self.column + column)
        return self.outer.position(self.row + row, column)


def _inner(outer: Excerpt, text: str, row: int, column: int) -> Excerpt:
    from sockelint.excerpt import ExcerptLine

    lines = [ExcerptLine(t, 0, 0) for t in text.split("\n")]
    return _Inner(outer.path, lines, outer, row, column)


# --------------------------------------------------------------------------
# Values: unquoting and expansion


def shell_value(raw: str, variables: Mapping[str, str]) -> str:
    """What the program sees for a word written as `raw`: quotes removed,
    escapes resolved, known variables expanded; single-quoted text and
    unknown variables stay as written."""
    out: list[str] = []
    pending: list[str] = []  # text subject to expansion

    def flush() -> None:
        if pending:
            out.append(sockets.expand("".join(pending), variables))
            pending.clear()

    i, n = 0, len(raw)
    quote = ""
    while i < n:
        char = raw[i]
        if quote == "" and char == "'":
            end = raw.find("'", i + 1)
            end = n if end < 0 else end
            flush()
            out.append(raw[i + 1 : end])
            i = end + 1
            continue
        if char == '"':
            quote = "" if quote else '"'
            i += 1
            continue
        if char == "\\" and i + 1 < n:
            following = raw[i + 1]
            if following == "\n":
                i += 2
                continue
            if quote == "" or following in '$`"\\':
                flush()
                out.append(following)
                i += 2
                continue
        if char == "$" and raw.startswith("$(", i) and not raw.startswith("$((", i):
            end = _closing_paren(raw, i + 1)
            pending.append(raw[i:end])
            i = end
            continue
        pending.append(char)
        i += 1
    flush()
    return "".join(out)


def _closing_paren(raw: str, start: int) -> int:
    """Index after the `)` matching the `(` at `start`."""
    depth = 0
    quote = ""
    for i in range(start, len(raw)):
        char = raw[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(raw)


# --------------------------------------------------------------------------
# The walk over the syntax tree


@dataclass(slots=True)
class _Result:
    commands: list[Command] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    embedded: list[Facts] = field(default_factory=list)


def _run(
    excerpt: Excerpt, variables: dict[str, str], runs_in: str, depth: int
) -> _Result:
    walker = _Walker(excerpt, variables, runs_in, depth)
    text = excerpt.text
    if not text.strip():
        return _Result()
    if len(text) > _MAX_CHARS:
        # Reported, not dropped: a script too large to parse may still hold
        # findings, and a silent pass would hide them.
        reason = f"too large to parse: more than {_MAX_CHARS} characters of shell"
        return _Result(problems=[Problem(excerpt.span((0, 0), (0, 0)), reason)])

    walker.load(text)
    root = walker.tree_root()
    walker.walk(root)

    result = _Result(walker.commands, walker.problems, walker.embedded)
    if root.has_error and not walker.commands and depth == 0:
        result.problems.append(
            Problem(walker.error_span(root), "could not parse the shell script")
        )
    return result


class _Walker:
    def __init__(
        self, excerpt: Excerpt, variables: dict[str, str], runs_in: str, depth: int
    ) -> None:
        self.excerpt = excerpt
        self.variables = variables
        self.runs_in = runs_in
        self.depth = depth
        self.commands: list[Command] = []
        self.problems: list[Problem] = []
        self.embedded: list[Facts] = []
        self.text = ""
        self.source = b""
        self.original = b""
        self.rows: list[bytes] = []
        self.nodes: dict[int, tree_sitter.Node] = {}
        # `args=(-v /var/run/docker.sock:/s)`: the element words, where they
        # are written, spliced into a command that uses `"${args[@]}"`.
        self.arrays: dict[str, list[Word]] = {}
        # Text piped into the command being walked (`echo ... | sudo tee f`,
        # `cat <<EOF | tee f`): what `tee` writes.
        self.stdin: Word | None = None

    # -- text and positions ------------------------------------------------

    def load(self, text: str) -> None:
        self.text = text
        masked = _TEMPLATE.sub(lambda m: re.sub(r"[^\n]", "x", m.group()), text)
        self.source = masked.encode("utf-8", "surrogatepass")
        self.original = text.encode("utf-8", "surrogatepass")
        self.rows = self.source.split(b"\n")

    def tree_root(self) -> tree_sitter.Node:
        return _parser().parse(self.source).root_node

    def column(self, row: int, byte_column: int) -> int:
        if row >= len(self.rows):
            return byte_column
        line = self.rows[row]
        if line.isascii():
            return byte_column
        return len(line[:byte_column].decode("utf-8", "replace"))

    def point(self, point: tree_sitter.Point) -> tuple[int, int]:
        return (point.row, self.column(point.row, point.column))

    def span(self, node: tree_sitter.Node) -> Span:
        return self.excerpt.span(
            self.point(node.start_point), self.point(node.end_point)
        )

    def raw(self, node: tree_sitter.Node) -> str:
        return self.original[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def error_span(self, root: tree_sitter.Node) -> Span:
        for node in _descendants(root):
            if node.type == "ERROR" or node.is_missing:
                return self.span(node)
        return self.span(root)

    def word(self, node: tree_sitter.Node) -> Word:
        raw = self.raw(node)
        word = Word(shell_value(raw, self.variables), self.span(node), raw)
        self.nodes[id(word)] = node
        return word

    # -- walking -----------------------------------------------------------

    def walk(self, node: tree_sitter.Node) -> None:
        kind = node.type
        if kind == "command":
            self.command(node, {})
        elif kind == "redirected_statement":
            self.redirected(node)
        elif kind == "declaration_command":
            self.declaration(node)
            self.walk_children(node)
        elif kind in ("variable_assignment", "variable_assignments"):
            self.assignments(node, [c for c in _assignments(node)])
        elif kind == "pipeline":
            self.pipeline(node)
        elif kind in ("comment", "heredoc_body"):
            return
        else:
            self.walk_children(node)

    def walk_children(self, node: tree_sitter.Node) -> None:
        for child in node.children:
            self.walk(child)

    def redirected(self, node: tree_sitter.Node) -> None:
        """A statement with redirections: what it writes into which file."""
        writes: dict[str, Word] = {}
        heredoc: Word | None = None
        targets: list[str] = []
        for redirect in node.children_by_field_name("redirect"):
            heredoc = self.heredoc(redirect) or heredoc
            targets += self.targets(redirect)
            for child in redirect.children:
                if child.type == "file_redirect":
                    targets += self.targets(child)

        body = node.child_by_field_name("body")
        if body is not None and body.type == "command":
            writes = self.writes_of(body, targets, heredoc)
            before = len(self.commands)
            self.command(body, writes)
            if len(self.commands) > before and _reads_script(
                self.commands[before].words
            ):
                self.script_on_stdin(node)
        elif body is not None:
            self.walk(body)

        for redirect in node.children_by_field_name("redirect"):
            outer, self.stdin = self.stdin, heredoc
            for child in redirect.children:
                if child.type not in ("heredoc_body", "file_redirect", "heredoc_start"):
                    self.walk(child)
            self.stdin = outer
            if heredoc is not None and redirect.type == "heredoc_redirect":
                self.piped_heredoc(redirect, heredoc)

    def script_on_stdin(self, node: tree_sitter.Node) -> None:
        """`sh <<EOF`, `ssh host bash -s <<'EOF'`: the heredoc is the
        script the shell runs, read where it is written."""
        for redirect in node.children_by_field_name("redirect"):
            if redirect.type != "heredoc_redirect":
                continue
            for child in redirect.children:
                if child.type == "heredoc_body":
                    text = self.raw(child)
                    row, column = self.point(child.start_point)
                    self.nested_text(text, _inner(self.excerpt, text, row, column))
                    return

    def targets(self, redirect: tree_sitter.Node) -> list[str]:
        if redirect.type != "file_redirect":
            return []
        operators = {c.type for c in redirect.children}
        if not operators & {">", ">>", ">|", "&>", "&>>"}:
            return []
        destination = redirect.child_by_field_name("destination")
        if (
            destination is None
            or redirect.child_by_field_name("descriptor") is not None
        ):
            return []
        target = shell_value(self.raw(destination), self.variables)
        return [] if target.startswith("/dev/") else [target]

    def heredoc(self, redirect: tree_sitter.Node) -> Word | None:
        if redirect.type != "heredoc_redirect":
            return None
        start = next((c for c in redirect.children if c.type == "heredoc_start"), None)
        for child in redirect.children:
            if child.type == "heredoc_body":
                raw = self.raw(child)
                quoted = start is not None and self.raw(start)[:1] in "'\"\\"
                text = raw if quoted else sockets.expand(raw, self.variables)
                return Word(text, self.span(child), raw)
        return None

    def writes_of(
        self, body: tree_sitter.Node, targets: list[str], heredoc: Word | None
    ) -> dict[str, Word]:
        words = [self.word(c) for c in body.children_by_field_name("argument")]
        name = body.child_by_field_name("name")
        program = _program(self.raw(name)) if name is not None else ""
        if program in ("sudo", "doas") and words:
            program, words = _program(words[0].text), words[1:]

        heredoc = heredoc or self.stdin
        if program == "tee" and heredoc is not None:
            paths = [w.text for w in words if not w.text.startswith("-")]
            return {path: heredoc for path in paths + targets}
        if not targets:
            return {}
        if program == "cat" and heredoc is not None:
            return {target: heredoc for target in targets}
        if program in ("echo", "printf"):
            written = _echoed(words) if program == "echo" else words[:1]
            if written:
                span = written[0].span.cover(written[-1].span)
                text = " ".join(w.text for w in written)
                raw = " ".join(w.raw for w in written)
                return {target: Word(text, span, raw) for target in targets}
        return {}

    def pipeline(self, node: tree_sitter.Node) -> None:
        """Walk a pipeline with the text its first command prints (echo,
        printf) as the input of the commands after it."""
        stages = [c for c in node.children if c.is_named]
        if not stages:
            return
        self.walk(stages[0])
        outer = self.stdin
        printed = self.printed(stages[0])
        if printed is not None:
            self.stdin = printed
        for stage in stages[1:]:
            self.walk(stage)
        self.stdin = outer

    def printed(self, node: tree_sitter.Node) -> Word | None:
        if node.type != "command":
            return None
        name = node.child_by_field_name("name")
        program = _program(self.raw(name)) if name is not None else ""
        words = [self.word(c) for c in node.children_by_field_name("argument")]
        written = _echoed(words) if program == "echo" else words[:1]
        if program not in ("echo", "printf") or not written:
            return None
        span = written[0].span.cover(written[-1].span)
        return Word(
            " ".join(w.text for w in written), span, " ".join(w.raw for w in written)
        )

    def piped_heredoc(self, redirect: tree_sitter.Node, heredoc: Word) -> None:
        """`cat <<EOF | kubectl apply -f -`: the manifest fed to kubectl."""
        for node in _descendants(redirect):
            if node.type != "command":
                continue
            argv = [
                shell_value(self.raw(c), self.variables) for c in _command_words(node)
            ]
            if argv[:1] == ["kubectl"] and {"apply", "create"} & set(argv):
                self.embed(heredoc, "kubernetes")

    def embed(self, body: Word, kind: str) -> None:
        """Facts of a file written inline (a manifest in a heredoc), parsed by
        its own source with the lines kept where they are in the script."""
        from sockelint import sources

        if kind not in sources.MODULES or self.depth > 0:
            return
        if type(self.excerpt) is not Excerpt:
            return
        padding = "\n" * (body.span.line - 1)
        document = Document(body.span.path, padding + body.raw, kind)
        try:
            self.embedded.append(sources.parser(kind)(document))
        except Exception:
            return

    def declaration(self, node: tree_sitter.Node) -> None:
        """`export NAME=value` (also declare, local, readonly): one command,
        and the variables it sets."""
        words: list[Word] = []
        for child in node.children:
            if child.type in ("export", "declare", "local", "readonly", "typeset"):
                words.append(self.word(child))
            elif child.type == "variable_assignment":
                words.append(self.assign(child))
            elif child.type in ("word", "variable_name"):
                words.append(self.word(child))
        if words:
            self.commands.append(Command(words, self.span(node), self.runs_in))

    def assignments(
        self, node: tree_sitter.Node, parts: list[tree_sitter.Node]
    ) -> None:
        words = [self.assign(part) for part in parts]
        if words:
            span = words[0].span.cover(words[-1].span)
            self.commands.append(Command(words, span, self.runs_in))
        for part in parts:
            self.walk_children(part)

    def assign(self, node: tree_sitter.Node) -> Word:
        """The `NAME=value` word of an assignment; remembers the value."""
        word = self.word(node)
        name, _, value = word.text.partition("=")
        if _NAME.match(name.rstrip("+")):
            value_node = node.child_by_field_name("value")
            value_raw = self.raw(value_node) if value_node is not None else ""
            value = shell_value(value_raw, self.variables)
            self.variables[name.rstrip("+")] = value
            if value_node is not None and value_node.type == "array":
                self.array(name, value_node)
            word = Word(f"{name}={value}", word.span, word.raw)
        return word

    def array(self, name: str, value: tree_sitter.Node) -> None:
        elements = [
            self.word(c) for c in value.children if c.type not in ("(", ")", "comment")
        ]
        if name.endswith("+"):
            self.arrays[name[:-1]] = self.arrays.get(name[:-1], []) + elements
        else:
            self.arrays[name] = elements

    def spliced(self, words: list[Word]) -> list[Word]:
        """The command's words with each whole-array argument replaced by
        the array's elements, and each unquoted `$OPTS` by the words of its
        value (the shell splits it), those at the `$OPTS` word."""
        result: list[Word] = []
        for word in words:
            use = _ARRAY_USE.match(word.raw)
            split = _SPLIT_USE.match(word.raw)
            if use and use.group("name") in self.arrays:
                result += self.arrays[use.group("name")]
            elif split and len(word.text.split()) > 1:
                result += [Word(p, word.span, word.raw) for p in word.text.split()]
            else:
                result.append(word)
        return result

    def command(self, node: tree_sitter.Node, writes: dict[str, Word]) -> None:
        prefix = [c for c in node.children if c.type == "variable_assignment"]
        name = node.child_by_field_name("name")

        # tree-sitter-bash folds `A=1 B=2<newline>cmd` into one command: the
        # assignments before an unescaped newline stand alone.
        standalone, env_nodes = self.split_prefix(prefix, name)
        if standalone:
            self.assignments(node, standalone)
        if name is None:
            if env_nodes:
                self.assignments(node, env_nodes)
            return

        if not writes and self.stdin is not None:
            writes = self.writes_of(node, [], None)
        env = [self.word(c) for c in env_nodes]
        words = self.spliced([self.word(c) for c in _command_words(node)])
        self.emit(words, env, self.span_from(node, env_nodes, name), writes)

        for child in node.children:
            if child.type not in ("variable_assignment", "comment"):
                self.walk_children(child)

    def span_from(
        self,
        node: tree_sitter.Node,
        env: list[tree_sitter.Node],
        name: tree_sitter.Node,
    ) -> Span:
        first = env[0] if env else name
        start = self.point(first.start_point)
        return self.excerpt.span(start, self.point(node.end_point))

    def split_prefix(
        self, prefix: list[tree_sitter.Node], name: tree_sitter.Node | None
    ) -> tuple[list[tree_sitter.Node], list[tree_sitter.Node]]:
        if not prefix:
            return [], []
        following = [*prefix[1:], name]
        cut = 0
        for index, (part, after) in enumerate(zip(prefix, following, strict=True)):
            if after is None:
                break
            gap = self.source[part.end_byte : after.start_byte]
            if b"\n" in gap.replace(b"\\\n", b""):
                cut = index + 1
        return prefix[:cut], prefix[cut:]

    # -- commands ------------------------------------------------------------

    def emit(
        self, words: list[Word], env: list[Word], span: Span, writes: dict[str, Word]
    ) -> None:
        words, env = unwrap(words, env)
        if not words:
            return
        self.commands.append(Command(words, span, self.runs_in, env, writes))
        if self.depth >= _MAX_DEPTH:
            return
        for inner in self.handed_on(words, span):
            self.nested(inner)

    def handed_on(self, words: list[Word], span: Span) -> Iterator[Word | list[Word]]:
        """Command strings (one word) or argvs (several) this command runs."""
        program = _program(words[0].text)
        args = words[1:]
        if program in SHELLS:
            string = _dash_c(args)
            if string is not None:
                yield string
        elif program == "su":
            string = _su_command(args)
            if string is not None:
                yield string
        elif program == "eval" and args:
            yield args[0] if len(args) == 1 else args
        elif program == "ssh":
            remote = _ssh_remote(args)
            if remote:
                yield remote[0] if len(remote) == 1 else remote
        elif program == "ansible":
            string = _ansible_command(args)
            if string is not None:
                yield string
        elif program in _RUNNERS:
            inner = _runner_command(words, ENGINES | SHELLS)
            if inner:
                yield inner
        elif program not in _PRINTERS and (
            program not in ENGINES or (args[:1] and args[0].text == "exec")
        ):
            # `docker exec c sh -c '...'`, `nsenter -t 1 -m bash -c '...'`:
            # whatever the program, a shell it starts with `-c` runs a script.
            inner = _runner_command(words, SHELLS)
            if inner:
                yield inner

    def nested(self, inner: Word | list[Word]) -> None:
        if isinstance(inner, list):
            if len(inner) > 1 and _program(inner[0].text) not in ENGINES | SHELLS:
                # eval/ssh with several words: the shell joins them first.
                joined = " ".join(w.text for w in inner)
                self.nested_text(
                    joined,
                    Excerpt.at(
                        inner[0].span.path,
                        joined,
                        inner[0].span.line,
                        inner[0].span.column,
                    ),
                )
                return
            span = inner[0].span.cover(inner[-1].span)
            self.depth += 1
            self.emit(inner, [], span, {})
            self.depth -= 1
            return
        self.nested_text(inner.text, self.string_excerpt(inner))

    def nested_text(self, text: str, excerpt: Excerpt) -> None:
        result = _run(excerpt, dict(self.variables), self.runs_in, self.depth + 1)
        self.commands += result.commands

    def string_excerpt(self, word: Word) -> Excerpt:
        """Where the command string of `word` sits, for mapping positions."""
        node = self.nodes.get(id(word))
        if node is None:
            return word_excerpt(word)

        raw = self.raw(node)
        row, column = self.point(node.start_point)
        if node.type == "raw_string" and word.text == raw[1:-1]:
            return _inner(self.excerpt, word.text, row, column + 1)
        if node.type == "string" and not re.search(r'\\[\\"`$]', raw):
            # The outer shell only expands variables here; the inner parse
            # expands the same ones, so the raw text keeps positions exact.
            return _inner(self.excerpt, raw[1:-1], row, column + 1)
        if node.type == "word" and word.text == raw:
            return _inner(self.excerpt, raw, row, column)
        shift = 1 if raw[:1] in "'\"" else 0
        return _inner(self.excerpt, word.text, row, column + shift)


# --------------------------------------------------------------------------
# Unwrapping sudo, env, exec and friends


def unwrap(words: list[Word], env: list[Word]) -> tuple[list[Word], list[Word]]:
    """The program really run, with assignments moved to `env`."""
    env = list(env)
    for _ in range(8):
        if not words:
            break
        program = _program(words[0].text)
        rest = words[1:]
        if program in _WRAPPERS:
            rest = _skip_options(rest, _WRAPPERS[program])
            if program in ("sudo", "doas"):
                while rest and is_assignment(rest[0].text):
                    env.append(rest[0])
                    rest = rest[1:]
        elif program in ("env", "cross-env"):
            # cross-env: npm scripts' portable `NAME=value command`.
            rest = _env_arguments(rest, env)
        elif program == "command":
            if rest and rest[0].text in ("-v", "-V"):
                break
            rest = _skip_options(rest, frozenset())
        elif program == "timeout":
            rest = _skip_options(
                rest, frozenset({"-s", "-k", "--signal", "--kill-after"})
            )
            rest = rest[1:]
        elif program == "chroot":
            rest = _skip_options(rest, frozenset({"--userspec", "--groups"}))[1:]
        else:
            break
        words = rest
    return words, env


def _env_arguments(rest: list[Word], env: list[Word]) -> list[Word]:
    while rest:
        text = rest[0].text
        if text in ("-u", "--unset", "-C", "--chdir", "-S", "--split-string"):
            rest = rest[2:]
        elif text.startswith("-"):
            rest = rest[1:]
        elif is_assignment(text):
            env.append(rest[0])
            rest = rest[1:]
        else:
            break
    return rest


def _skip_options(rest: list[Word], valued: frozenset[str]) -> list[Word]:
    while rest and rest[0].text.startswith("-") and rest[0].text != "-":
        text = rest[0].text
        if text == "--":
            return rest[1:]
        rest = rest[2:] if text in valued else rest[1:]
    return rest


def _dash_c(args: list[Word]) -> Word | None:
    """The command string of `sh -c STRING` (also `-ec`, `-xc`, `-lc`)."""
    for index, word in enumerate(args):
        text = word.text
        if not text.startswith("-") or text.startswith("--"):
            if text.startswith("--"):
                continue
            return None
        if "c" in text[1:] and index + 1 < len(args):
            return args[index + 1]
    return None


def _reads_script(words: list[Word]) -> bool:
    """Whether the command runs the script on its standard input: a shell
    with no script operand (`sh`, `bash -s`, `sudo bash -`), or ssh with no
    remote command (the login shell) or a remote shell that reads it."""
    program = _program(words[0].text)
    args = words[1:]
    if program == "ssh":
        remote = _ssh_remote(args)
        if not remote:
            return True
        if len(remote) == 1:
            texts = remote[0].text.split()
            return bool(texts) and _shell_reads_stdin(texts)
        return _shell_reads_stdin([w.text for w in remote])
    return _shell_reads_stdin([w.text for w in words])


def _shell_reads_stdin(argv: list[str]) -> bool:
    if _program(argv[0]) not in SHELLS:
        return False
    for text in argv[1:]:
        if text in ("-s", "-"):
            return True
        if text.startswith("-") and "c" in text[1:] and not text.startswith("--"):
            return False  # `-c STRING`: the string is the script
        if not text.startswith("-"):
            return False  # a script file
    return True


def _su_command(args: list[Word]) -> Word | None:
    """The command string of `su -c STRING` (also `-lc`, `--command=`)."""
    for index, word in enumerate(args[:-1]):
        if re.fullmatch(r"-[a-z]*c", word.text):
            return args[index + 1]
    return _option_value(args, ("--command",))


def _ansible_command(args: list[Word]) -> Word | None:
    """The command line of `ansible HOSTS -a '...'`: run by the default
    `command` module, or by `-m shell`/`-m raw`; other modules read
    `key=value` arguments, not a command."""
    module = _option_value(args, ("-m", "--module-name"))
    name = module.text.rsplit(".", 1)[-1] if module is not None else "command"
    if name not in _ANSIBLE_COMMAND_MODULES:
        return None
    return _option_value(args, ("-a", "--args"))


def _runner_command(words: list[Word], programs: frozenset[str]) -> list[Word]:
    """The argv from the first word naming one of `programs` on; a shell
    counts only with its `-c` string."""
    for index in range(1, len(words)):
        name = _program(words[index].text)
        if name in SHELLS and _dash_c(words[index + 1 :]) is None:
            continue
        if name in programs:
            return words[index:]
    return []


def _option_value(args: list[Word], names: tuple[str, ...]) -> Word | None:
    for index, word in enumerate(args):
        for name in names:
            if word.text == name and index + 1 < len(args):
                return args[index + 1]
            if name.startswith("--") and word.text.startswith(name + "="):
                text = word.text[len(name) + 1 :]
                return Word(text, word.span, word.raw)
    return None


def _ssh_remote(args: list[Word]) -> list[Word]:
    index = 0
    while index < len(args) and args[index].text.startswith("-"):
        index += 2 if args[index].text in _SSH_VALUED else 1
    return args[index + 1 :]


def _echoed(words: list[Word]) -> list[Word]:
    index = 0
    while index < len(words) and re.fullmatch(r"-[neE]+", words[index].text):
        index += 1
    return words[index:]


# --------------------------------------------------------------------------
# Tree helpers


def _command_words(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    name = node.child_by_field_name("name")
    words = [name] if name is not None else []
    return words + list(node.children_by_field_name("argument"))


def _assignments(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    if node.type == "variable_assignment":
        return [node]
    return [c for c in node.children if c.type == "variable_assignment"]


def _descendants(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def words_of(excerpt: Excerpt) -> list[Word]:
    """The words of shell text in the order written, assignments included
    (`ExecStart=… -H x` in a sed replacement reads as one), read by the
    shell source so quotes, escapes and continuations are the shell's.
    Commands nested in a word (`sh -c '…'`) are the word, not more words."""
    commands, _ = parse_excerpt(excerpt)
    words = [w for command in commands for w in (*command.env, *command.words)]
    outermost = _outermost([w.span for w in words])
    words = [w for w in words if id(w.span) in outermost]
    return sorted(words, key=lambda w: (w.span.line, w.span.column))


def _outermost(spans: list[Span]) -> set[int]:
    """The ids of the spans that no other span contains: one sweep in order
    of start (the longer first), not a test of every pair, so a command
    line of fifty thousand words stays fast. Equal spans do not contain
    each other."""

    def bounds(span: Span) -> tuple[tuple[int, int], tuple[int, int]]:
        return (span.line, span.column), (span.end_line, span.end_column)

    order = sorted(spans, key=lambda s: (bounds(s)[0], (-s.end_line, -s.end_column)))
    kept: set[int] = set()
    reach: tuple[int, int] | None = None  # the furthest end of the groups before
    index = 0
    while index < len(order):
        start, end = bounds(order[index])
        group = index
        while group < len(order) and bounds(order[group]) == (start, end):
            group += 1
        if reach is None or reach < end:
            kept.update(id(span) for span in order[index:group])
        reach = end if reach is None else max(reach, end)
        index = group
    return kept
