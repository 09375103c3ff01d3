"""Dockerfiles: every build stage a workload, every RUN its commands.

A stage's `RUN` (shell form after joining continuations, and heredoc
scripts), `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` go through the shell
source with their positions mapped back; the exec form goes in as an argv.
`ENV` and `ARG` become the stage's environment and the variables the shell
expands. `EXPOSE` is a container port published nowhere, and `VOLUME`
declares an anonymous volume: neither can bind anything of the host
(`VOLUME /var/run/docker.sock` mounts no socket), so both are recorded
without a host side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sockelint import dockerfile_tokens as tokens
from sockelint import sockets
from sockelint.document import Document
from sockelint.excerpt import Excerpt, ExcerptLine
from sockelint.model import Command, EnvVar, Facts, Mount, Port, Word, Workload
from sockelint.span import Span

ORIGIN = "dockerfile stage"
# Shells whose syntax the shell source reads; under any other `SHELL`
# (powershell, cmd) commands are still taken, parse problems are not.
_POSIX_SHELLS = frozenset(
    {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"}
)
# $NAME, ${NAME}, ${NAME:-default}, ${NAME:+alternative}
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|([A-Za-z_]\w*))")
_SHEBANG = re.compile(r"^#!\s*(\S+)(?:\s+(\S+))?")


@dataclass(slots=True)
class _Stage:
    workload: Workload | None
    variables: dict[str, str] = field(default_factory=dict)
    posix: bool = True
    # An exec-form ENTRYPOINT: an exec-form CMD becomes its arguments.
    entrypoint: list[Word] | None = None


@dataclass(slots=True)
class _Reader:
    facts: Facts
    posix: bool  # the escape character is a backslash (not Windows style)
    global_args: dict[str, str] = field(default_factory=dict)
    stages: dict[str, _Stage] = field(default_factory=dict)
    stage: _Stage | None = None


def parse(document: Document) -> Facts:
    facts = Facts(document.path, "dockerfile")
    read_excerpt(Excerpt.whole(document.path, document.text), facts)
    return facts


def read_excerpt(excerpt: Excerpt, facts: Facts) -> None:
    """Add what a Dockerfile (a file, or a fenced block) says to `facts`."""
    dockerfile = tokens.tokenize(excerpt)
    facts.problems += dockerfile.problems

    reader = _Reader(facts, posix=dockerfile.escape == "\\")
    for instruction in dockerfile.instructions:
        _instruction(reader, instruction, instruction)


def _instruction(
    reader: _Reader, instruction: tokens.Instruction, outer: tokens.Instruction
) -> None:
    """One instruction; `outer` is the written one (ONBUILD around it)."""
    keyword = instruction.keyword
    if keyword == "ONBUILD":
        # Runs in a later build FROM this image; Docker refuses ONBUILD FROM
        # and ONBUILD ONBUILD, and an ONBUILD ARG changes nothing here.
        inner = instruction.inner
        if inner is not None and inner.keyword not in ("FROM", "ONBUILD", "ARG"):
            _instruction(reader, inner, outer)
        return
    if keyword == "FROM":
        _from(reader, instruction)
        return
    if keyword == "ARG":
        _arg(reader, instruction)
        return

    stage = reader.stage or _pre_stage(reader)
    if stage.workload is not None and stage.workload.extent is not None:
        extent = stage.workload.extent
        stage.workload.extent = Span(
            extent.path, extent.line, extent.column, outer.end_line, 1
        )
    handler = _HANDLERS.get(keyword)
    if handler is not None:
        handler(reader, stage, instruction)


def _pre_stage(reader: _Reader) -> _Stage:
    """Instructions before any FROM (a fragment in a Markdown fence, or a
    broken file): their commands still count, with no workload."""
    reader.stage = _Stage(None, dict(reader.global_args), reader.posix)
    return reader.stage


# -- stages ------------------------------------------------------------------


def _from(reader: _Reader, instruction: tokens.Instruction) -> None:
    words = instruction.words()
    if not words:
        return
    image_word = words[0]
    image = _expand(image_word.text, reader.global_args)
    name = image
    if len(words) >= 3 and words[1].text.lower() == "as":
        name = words[2].text

    parent = reader.stages.get(image.lower())
    variables = dict(parent.variables) if parent else {}
    workload = Workload(
        name=name,
        span=image_word.span,
        origin=ORIGIN,
        image=Word(image, image_word.span, image_word.raw),
        extent=Span(
            instruction.keyword_span.path, instruction.line, 1, instruction.end_line, 1
        ),
    )
    posix = parent.posix if parent else reader.posix
    reader.stage = _Stage(workload, variables, posix)
    reader.stages[name.lower()] = reader.stage
    reader.facts.workloads.append(workload)


def _arg(reader: _Reader, instruction: tokens.Instruction) -> None:
    """`ARG NAME[=default] ...`: before the first FROM a global default for
    FROM lines; inside a stage a build variable (a bare `ARG NAME` takes
    the global default in)."""
    for word in instruction.words():
        name, has_value, raw_value = word.raw.partition("=")
        if reader.stage is None:
            value = _expand(
                tokens.unquote(raw_value, instruction.escape), reader.global_args
            )
            if has_value:
                reader.global_args[name] = value
            continue

        variables = reader.stage.variables
        if has_value:
            value = _expand(tokens.unquote(raw_value, instruction.escape), variables)
        elif name in reader.global_args:
            value = reader.global_args[name]
        else:
            continue
        variables[name] = value
        _add_env(reader.stage, name, value, word, len(name) + 1 if has_value else None)


def _env(reader: _Reader, stage: _Stage, instruction: tokens.Instruction) -> None:
    """`ENV K=V K2="v 2"`, or the legacy `ENV K the rest of the line`."""
    words = instruction.words()
    if not words:
        return
    if "=" not in words[0].raw:
        _legacy_env(stage, instruction, words[0])
        return

    for word in words:
        name, has_value, raw_value = word.raw.partition("=")
        if not has_value:
            continue
        value = _expand(tokens.unquote(raw_value, instruction.escape), stage.variables)
        stage.variables[name] = value
        _add_env(stage, name, value, word, len(name) + 1)


def _legacy_env(
    stage: _Stage, instruction: tokens.Instruction, name_word: Word
) -> None:
    text = instruction.joined.text
    start = instruction.rest_start + len(name_word.raw)
    while start < len(text) and text[start].isspace():
        start += 1
    raw_value = text[start:].rstrip()
    value = _expand(tokens.unquote(raw_value, instruction.escape), stage.variables)
    name = name_word.raw
    stage.variables[name] = value

    span = name_word.span
    value_span = None
    if raw_value:
        value_span = instruction.joined.span(start, start + len(raw_value))
        span = span.cover(value_span)
    if stage.workload is not None:
        stage.workload.env.append(EnvVar(name, value, span, value_span))


def _add_env(
    stage: _Stage, name: str, value: str, word: Word, value_at: int | None
) -> None:
    if stage.workload is None:
        return
    value_span = None
    if value_at is not None and word.span.line == word.span.end_line:
        start = word.span.column + value_at
        value_span = Span(
            word.span.path, word.span.line, start, word.span.line, word.span.end_column
        )
    stage.workload.env.append(EnvVar(name, value, word.span, value_span))


# -- ports and volumes -------------------------------------------------------


def _expose(reader: _Reader, stage: _Stage, instruction: tokens.Instruction) -> None:
    if stage.workload is None:
        return
    for word in instruction.words():
        port = _expand(word.text, stage.variables)
        stage.workload.ports.append(Port(port, None, None, word.span))


def _volume(reader: _Reader, stage: _Stage, instruction: tokens.Instruction) -> None:
    """An anonymous volume at each path: no host side, so no host_path."""
    if stage.workload is None:
        return
    words = instruction.exec_form()
    if words is None:
        words = instruction.words()
    for word in words:
        target = _expand(word.text, stage.variables)
        stage.workload.mounts.append(
            Mount(
                Word(target, word.span, word.raw),
                word.span,
                None,
                target,
                kind="volume",
            )
        )


def _shell(reader: _Reader, stage: _Stage, instruction: tokens.Instruction) -> None:
    """`SHELL ["powershell", "-Command"]` changes what RUN text is."""
    argv = instruction.exec_form()
    if argv:
        program = argv[0].text.replace("\\", "/").rsplit("/", 1)[-1].lower()
        stage.posix = program.removesuffix(".exe") in _POSIX_SHELLS


# -- commands ----------------------------------------------------------------


def _run(reader: _Reader, stage: _Stage, instruction: tokens.Instruction) -> None:
    if instruction.heredocs:
        _run_heredocs(reader, stage, instruction)
        return
    _script_or_argv(reader, stage, instruction)


def _command_text(
    reader: _Reader, stage: _Stage, instruction: tokens.Instruction
) -> None:
    """CMD and ENTRYPOINT: shell form through the shell source, exec form as
    an argv (an exec CMD after an exec ENTRYPOINT as its arguments)."""
    argv = instruction.exec_form()
    if instruction.keyword == "ENTRYPOINT":
        stage.entrypoint = argv
    elif argv is not None and stage.entrypoint and instruction.keyword == "CMD":
        argv = stage.entrypoint + argv
    if argv is not None:
        _add(reader, stage, _commands_from_argv(argv, stage))
        return
    _script(reader, stage, instruction.shell())


def _run_heredocs(
    reader: _Reader, stage: _Stage, instruction: tokens.Instruction
) -> None:
    """`RUN <<EOF` runs the body as the script (its shebang decides the
    interpreter); `RUN <<EOF bash` or `RUN sh -s <<EOF` feed the last body
    to a shell on its standard input; anything else (`RUN cat <<EOF >
    file`) is a shell script with heredocs: the line and its bodies."""
    heredoc_words = {heredoc.word.span for heredoc in instruction.heredocs}
    command = [w for w in instruction.words() if w.span not in heredoc_words]
    if not command:
        for heredoc in instruction.heredocs:
            if _is_shell_script(heredoc.body):
                _script(reader, stage, heredoc.body)
        return
    if _reads_script_from_stdin(command):
        stdin = [h for h in instruction.heredocs if h.word.raw.startswith("<<")]
        if stdin:
            _script(reader, stage, stdin[-1].body)
        return

    script = instruction.shell()
    for heredoc in instruction.heredocs:
        script.lines += heredoc.body.lines
        # Bodies of `<<-` heredocs are already without their leading tabs,
        # so the bare delimiter ends them for the shell as well.
        script.lines.append(ExcerptLine(heredoc.name, heredoc.end_line, 1))
    _script(reader, stage, script)


def _reads_script_from_stdin(command: list[Word]) -> bool:
    """A shell with no `-c`: it runs what arrives on standard input."""
    program = command[0].text.rsplit("/", 1)[-1]
    if program not in _POSIX_SHELLS:
        return False
    options = [w.text for w in command[1:] if w.text.startswith("-")]
    return not any("c" in o.lstrip("-") for o in options if not o.startswith("--"))


def _is_shell_script(body: Excerpt) -> bool:
    first = body.lines[0].text if body.lines else ""
    match = _SHEBANG.match(first)
    if not match:
        return True
    program = match.group(1).rsplit("/", 1)[-1]
    if program == "env" and match.group(2):
        program = match.group(2)
    return program in _POSIX_SHELLS


def _copy(reader: _Reader, stage: _Stage, instruction: tokens.Instruction) -> None:
    """`COPY <<EOF /path` writes the body to a file in the image: recorded
    as a command that writes it (a daemon.json written this way is read
    like one written by a script), and parsed if it is a shell script."""
    words = [w for w in instruction.words() if not w.raw.startswith("<<")]
    if not instruction.heredocs or not words:
        return
    destination = words[-1]

    for heredoc in instruction.heredocs:
        if not heredoc.body.lines:
            continue
        _add(reader, stage, [_written(instruction, heredoc, destination, stage)])
        first = heredoc.body.lines[0].text
        is_script = destination.text.endswith(".sh") or _SHEBANG.match(first)
        if is_script and _is_shell_script(heredoc.body):
            _script(reader, stage, heredoc.body)


def _written(
    instruction: tokens.Instruction,
    heredoc: tokens.Heredoc,
    destination: Word,
    stage: _Stage,
) -> Command:
    """The file a COPY heredoc writes, as a command with `writes`."""
    target = destination.text
    if target.endswith("/"):
        target += heredoc.name
    body = heredoc.body
    first, last = body.lines[0], body.lines[-1]
    end_column = last.column + len(last.text)
    content_span = Span(body.path, first.line, first.column, last.line, end_column)
    content = Word(body.text, content_span, body.text)

    keyword = instruction.keyword
    words = [
        Word(keyword, instruction.keyword_span, keyword),
        heredoc.word,
        destination,
    ]
    span = instruction.keyword_span.cover(destination.span)
    return Command(words, span, _runs_in(stage), writes={target: content})


def _healthcheck(
    reader: _Reader, stage: _Stage, instruction: tokens.Instruction
) -> None:
    """`HEALTHCHECK [options] CMD command`: the command runs in the container."""
    text = instruction.rest
    match = re.match(r"\s*CMD\b", text, re.IGNORECASE)
    if match is None:
        return
    inner = tokens.Instruction(
        "CMD",
        instruction.joined.span(
            instruction.rest_start, instruction.rest_start + match.end()
        ),
        instruction.joined,
        instruction.rest_start + match.end(),
        [],
        tokens.skip_blanks(
            instruction.joined.text, instruction.rest_start + match.end()
        ),
        instruction.line,
        instruction.end_line,
        escape=instruction.escape,
    )
    _script_or_argv(reader, stage, inner)


def _script_or_argv(
    reader: _Reader, stage: _Stage, instruction: tokens.Instruction
) -> None:
    argv = instruction.exec_form()
    if argv is not None:
        _add(reader, stage, _commands_from_argv(argv, stage))
    else:
        _script(reader, stage, instruction.shell())


def _script(reader: _Reader, stage: _Stage, excerpt: Excerpt) -> None:
    from sockelint.sources import shell

    commands, problems = shell.parse_excerpt(
        excerpt, variables=dict(stage.variables), runs_in=_runs_in(stage)
    )
    _add(reader, stage, commands)
    if stage.posix:
        reader.facts.problems += problems


def _commands_from_argv(argv: list[Word], stage: _Stage) -> list[Command]:
    from sockelint.sources import shell

    return shell.commands_from_argv(argv, runs_in=_runs_in(stage))


def _runs_in(stage: _Stage) -> str:
    return stage.workload.name if stage.workload is not None else "dockerfile"


def _add(reader: _Reader, stage: _Stage, commands: list[Command]) -> None:
    reader.facts.commands += commands
    if stage.workload is not None:
        stage.workload.commands += commands


def _expand(text: str, variables: dict[str, str]) -> str:
    """Docker's own expansion for FROM, ENV, ARG, EXPOSE, VOLUME: `$V`,
    `${V}`, `${V:-default}`, `${V:+alternative}`; unknown ones stay."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        value = variables.get(name)
        if operator == "-":
            found = value or word
        elif operator == "+":
            found = word if value else ""
        else:
            found = value if value is not None else match.group(0)
        # `ENV A=$A$A` repeated must not double forever: see sockets.expand.
        grown = len(found) - len(match.group(0))
        if grown > sockets.MAX_GROWTH or not sockets.take_room(grown):
            return match.group(0)
        return found

    return _VARIABLE.sub(replace, text)


_HANDLERS = {
    "ENV": _env,
    "EXPOSE": _expose,
    "VOLUME": _volume,
    "SHELL": _shell,
    "RUN": _run,
    "CMD": _command_text,
    "ENTRYPOINT": _command_text,
    "COPY": _copy,
    "ADD": _copy,
    "HEALTHCHECK": _healthcheck,
}
