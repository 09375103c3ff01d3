"""The command line: `sockelint [PATHS...]`, `sockelint rules`, `sockelint explain`.

Findings go to stdout, everything else (the summary, skipped files, logging)
to stderr. Exit codes: 0 nothing at or above the `--fail-on` threshold, 1
findings, 2 usage, configuration or internal error, 130 interrupted.

Subcommands and paths share the command line: `rules` or `explain` as the
first word is a subcommand unless a file or folder of that name exists in
the working directory; `sockelint -- rules` always means the path.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from sockelint import (
    __version__,
    discovery,
    engine,
    reading,
    report,
    ruledocs,
    sources,
)
from sockelint.document import Document
from sockelint.finding import Finding
from sockelint.model import Problem
from sockelint.rules import RULES, Rule, lookup
from sockelint.span import Span

log = logging.getLogger("sockelint")

SEVERITIES = ("note", "warning", "error")  # in rising order
SUBCOMMANDS = ("rules", "explain")
STDIN = "-"

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = """\
subcommands (as the first word, unless a path of that name exists):
  sockelint rules [--format text|json]   list the rules
  sockelint explain ID|NAME              print a rule's documentation page

exit codes:
  0  nothing at or above the --fail-on threshold
  1  findings at or above the threshold
  2  usage, configuration or internal error
"""


class UsageError(Exception):
    """A mistake on the command line: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(arguments)
    except UsageError as error:
        sys.stderr.write(f"sockelint: error: {error}\n")
        return EXIT_ERROR
    except SystemExit as done:  # --help and --version end through here
        return done.code if isinstance(done.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("sockelint: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_FINDINGS
    except Exception as error:  # last line of defence: exit 2, not a traceback
        log.debug("internal error", exc_info=True)
        sys.stderr.write(
            f"sockelint: internal error, please report: "
            f"{type(error).__name__}: {error} (run with -vv for the traceback)\n"
        )
        return EXIT_ERROR


def _silence_stdout() -> None:
    """The reader went away (`sockelint . | head`): point stdout at devnull so
    the interpreter's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _dispatch(arguments: list[str]) -> int:
    if arguments and arguments[0] in SUBCOMMANDS and not os.path.lexists(arguments[0]):
        if arguments[0] == "rules":
            return _rules_command(arguments[1:])
        return _explain_command(arguments[1:])
    return _check_command(arguments)


# The check command -------------------------------------------------------


def _check_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sockelint",
        description="Finds where a repository hands a container control of a "
        "container engine (and with it root on the host).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files and folders to check (default: .); - reads stdin",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name of the text read from stdin: decides its kind and is the "
        "reported path",
    )
    parser.add_argument(
        "--format",
        choices=list(report.BY_NAME),
        default="text",
        help="; ".join(f"{f.name}: {f.help}" for f in report.FORMATS),
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="check only these rules (ids or names, comma-separated, repeatable)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULES",
        help="do not check these rules (ids or names, comma-separated, repeatable)",
    )
    parser.add_argument(
        "--fail-on",
        choices=list(reversed(SEVERITIES)),
        default="note",
        help="the lowest severity that makes the exit code 1 (default: note, "
        "so every finding counts)",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even with findings"
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="only findings: no summary, no skipped files",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log what happens on stderr (-vv for debugging)",
    )
    parser.add_argument(
        "--max-file-size",
        type=_size,
        default=reading.DEFAULT_MAX_SIZE,
        metavar="BYTES",
        help="skip files larger than this (a number, or with K or M; default 10M)",
    )
    parser.add_argument(
        "--no-color",
        action="store_true",
        help="no colour in text output (also when NO_COLOR is set)",
    )
    parser.add_argument("--version", action="version", version=__version__)
    return parser


def _size(text: str) -> int:
    units = {"K": 1024, "M": 1024 * 1024, "G": 1024**3}
    multiplier = units.get(text[-1:].upper(), 1)
    digits = text[:-1] if multiplier > 1 else text
    try:
        value = int(digits) * multiplier
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return value


def _check_command(arguments: list[str]) -> int:
    options = _check_parser().parse_args(arguments)
    _configure_logging(options.verbose)
    rules = _chosen_rules(options.select, options.ignore)
    paths = options.paths or ["."]
    _check_paths_exist(paths)

    outcome = _run(paths, options.stdin_filename, rules, options.max_file_size)
    outcome.color = _use_color(options.no_color, options.format)

    chosen = report.BY_NAME[options.format]
    if not chosen.lists_skipped and not options.quiet:
        for skip in outcome.skipped:
            sys.stderr.write(f"{skip.path}: skipped: {skip.reason}\n")
    err: TextIO = _Discard() if options.quiet else sys.stderr
    report.writer(options.format)(outcome, sys.stdout, err)
    sys.stdout.flush()

    if options.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if _fails(outcome.findings, options.fail_on) else EXIT_CLEAN


class _Discard:
    def write(self, text: str) -> int:
        return len(text)


def _configure_logging(verbosity: int) -> None:
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    for handler in list(log.handlers):
        log.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sockelint: %(levelname)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


def _chosen_rules(select: list[str], ignore: list[str]) -> list[Rule]:
    selected = _named_rules(select, "--select") if select else list(RULES)
    ignored = {rule.id for rule in _named_rules(ignore, "--ignore")}
    return [rule for rule in selected if rule.id not in ignored]


def _named_rules(values: list[str], option: str) -> list[Rule]:
    named = []
    for value in values:
        for key in filter(None, (part.strip() for part in value.split(","))):
            rule = lookup(key)
            if rule is None:
                raise UsageError(
                    f"unknown rule {key!r} in {option}; `sockelint rules` lists them"
                )
            named.append(rule)
    return named


def _check_paths_exist(paths: list[str]) -> None:
    for path in paths:
        if path != STDIN and not os.path.lexists(path):
            raise UsageError(f"no such file or directory: {path}")


def _use_color(disabled: bool, chosen: str) -> bool:
    if disabled or os.environ.get("NO_COLOR") or chosen != "text":
        return False
    return sys.stdout.isatty()


def _fails(findings: list[Finding], threshold: str) -> bool:
    floor = SEVERITIES.index(threshold)
    return any(
        SEVERITIES.index(report.severity(f.rule)) >= floor
        for f in findings
        if report.severity(f.rule) in SEVERITIES
    )


# Running the engine over the inputs ---------------------------------------


def _run(
    paths: list[str], stdin_name: str | None, rules: list[Rule], max_size: int
) -> report.Report:
    outcome = report.Report(findings=[])
    files = [p for p in paths if p != STDIN]
    found = discovery.discover(files)
    outcome.skipped += [report.Skip(s.path, s.reason) for s in found.skipped]

    if STDIN in paths:
        _check_stdin(stdin_name, rules, max_size, outcome)
    for item in found.files:
        log.info("checking %s as %s", item.path, item.kind)
        read = reading.read(item.location, max_size)
        document = Document(item.path, "", item.kind, str(item.location))
        _check_text(document, read, rules, outcome)
    return outcome


def _check_stdin(
    name: str | None, rules: list[Rule], max_size: int, outcome: report.Report
) -> None:
    shown = name or "<stdin>"
    data = sys.stdin.buffer.read(max_size + 1)
    if len(data) > max_size:
        outcome.skipped.append(report.Skip(shown, f"larger than {max_size} bytes"))
        return

    read = reading.decode(data)
    head = read.text[: reading.HEAD] if isinstance(read, reading.Text) else ""
    location = Path(name) if name and os.path.exists(name) else None
    kind = discovery.kind_for(shown, location, head) if name else None
    if kind is None:
        outcome.skipped.append(report.Skip(shown, "unknown kind"))
        return
    if kind not in sources.MODULES:
        outcome.skipped.append(report.Skip(shown, f"no source for kind {kind} yet"))
        return
    _check_text(Document(shown, "", kind), read, rules, outcome)


def _check_text(
    document: Document,
    read: reading.Text | reading.Unread,
    rules: list[Rule],
    outcome: report.Report,
) -> None:
    if isinstance(read, reading.Unread):
        outcome.skipped.append(report.Skip(document.path, read.reason))
        return

    document.text = read.text
    problems = []
    if read.problem is not None:
        where = read.problem
        span = Span(
            document.path, where.line, where.column, where.line, where.column + 1
        )
        problems.append(Problem(span, where.reason))
    outcome.findings += engine.check(document, rules, problems)
    outcome.lines[document.path] = document.lines
    outcome.scanned += 1


# Subcommands ---------------------------------------------------------------


def _rules_command(arguments: list[str]) -> int:
    parser = _Parser(prog="sockelint rules", description="List the rules.")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    options = parser.parse_args(arguments)

    if options.format == "json":
        listing = [
            {"id": r.id, "name": r.name, "severity": r.severity, "summary": r.summary}
            for r in RULES
        ]
        sys.stdout.write(json.dumps(listing, indent=2) + "\n")
        return EXIT_CLEAN

    width = max(len(r.name) for r in RULES)
    for rule in RULES:
        sys.stdout.write(
            f"{rule.id}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}\n"
        )
    return EXIT_CLEAN


def _explain_command(arguments: list[str]) -> int:
    parser = _Parser(
        prog="sockelint explain", description="Print a rule's documentation page."
    )
    parser.add_argument("rule", metavar="ID|NAME")
    options = parser.parse_args(arguments)

    rule = lookup(options.rule)
    rule_id = rule.id if rule else options.rule.upper()
    text = ruledocs.page(rule_id)
    if text is None:
        raise UsageError(f"unknown rule {options.rule!r}; `sockelint rules` lists them")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_CLEAN
