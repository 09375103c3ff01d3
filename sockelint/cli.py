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
import io
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from sockelint import (
    __version__,
    baseline,
    config,
    discovery,
    engine,
    kinds,
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
    except (UsageError, config.ConfigError, baseline.BaselineError) as error:
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
        help="; ".join(f"{f.name}: {f.help}" for f in report.FORMATS)
        + " (default: text)",
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
        metavar="BYTES",
        help="skip files larger than this (a number, or with K or M; default 10M)",
    )
    parser.add_argument(
        "--no-color",
        action="store_true",
        help="no colour in text output (also when NO_COLOR is set)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="read this configuration file instead of looking for "
        "`.sockelint.toml` or `[tool.sockelint]` in pyproject.toml",
    )
    parser.add_argument(
        "--isolated", action="store_true", help="ignore every configuration file"
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        help="report only findings that are not in this baseline file",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        type=Path,
        help="write the current findings to this baseline file and exit 0",
    )
    parser.add_argument("--version", action="version", version=__version__)
    return parser


def _size(text: str) -> int:
    value = config.parse_size(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return value


def _check_command(arguments: list[str]) -> int:
    options = _check_parser().parse_args(arguments)
    _configure_logging(options.verbose)
    settings = _settings(options)
    rules = _chosen_rules(options.select, options.ignore, settings)
    paths = options.paths or ["."]
    _check_paths_exist(paths)
    # A baseline being rewritten records every current finding, old or new.
    reading_baseline = options.baseline and not options.write_baseline
    known = baseline.load(options.baseline) if reading_baseline else None

    max_size = options.max_file_size or settings.max_file_size
    outcome = _run(paths, options.stdin_filename, rules, max_size, settings)
    outcome.severities = dict(settings.severity)
    _suppress(outcome, settings, known)
    if options.write_baseline:
        return _write_baseline(options.write_baseline, outcome, options.quiet)

    chosen_format = options.format or settings.format or "text"
    outcome.color = _use_color(options.no_color, chosen_format)
    _write_report(outcome, chosen_format, options.quiet)

    if options.exit_zero:
        return EXIT_CLEAN
    threshold = options.fail_on or settings.fail_on or "note"
    return EXIT_FINDINGS if _fails(outcome, threshold) else EXIT_CLEAN


def _settings(options: argparse.Namespace) -> config.Config:
    """The configuration file's settings: the named one, the one found
    from the working directory up to the repository's top, or none."""
    if options.isolated:
        return config.Config()
    path = options.config or config.discover()
    if path is None:
        return config.Config()
    if not path.is_file():
        raise UsageError(f"no such configuration file: {path}")
    log.info("configuration from %s", path)
    return config.load(path)


def _suppress(
    outcome: report.Report, settings: config.Config, known: baseline.Baseline | None
) -> None:
    """Leave out what the configuration and the baseline accept, counting
    each cause for the summary."""
    kept = []
    for finding in outcome.findings:
        if settings.ignored_here(finding):
            outcome.suppressed["config"] += 1
        elif settings.allowed(finding):
            outcome.suppressed["allowlist"] += 1
        else:
            kept.append(finding)
    if known is not None:
        kept, baselined = known.split(kept)
        outcome.suppressed["baseline"] += len(baselined)
    outcome.findings = kept


def _write_baseline(path: Path, outcome: report.Report, quiet: bool) -> int:
    count = baseline.write(path, outcome.findings)
    if not quiet:
        noun = "finding" if count == 1 else "findings"
        sys.stderr.write(f"sockelint: wrote {count} {noun} to the baseline {path}\n")
    return EXIT_CLEAN


def _write_report(outcome: report.Report, chosen_format: str, quiet: bool) -> None:
    chosen = report.BY_NAME[chosen_format]
    if not chosen.lists_skipped and not quiet:
        for skip in outcome.skipped:
            sys.stderr.write(f"{skip.path}: skipped: {skip.reason}\n")
    err: TextIO = _Discard() if quiet else sys.stderr
    report.writer(chosen_format)(outcome, sys.stdout, err)
    sys.stdout.flush()


class _Discard(io.StringIO):
    """A text stream that keeps nothing: what `--quiet` sends to stderr."""

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


def _chosen_rules(
    select: list[str], ignore: list[str], settings: config.Config
) -> list[Rule]:
    """`--select` replaces the configuration's selection; `--ignore` adds to
    its ignores."""
    if select:
        selected = _named_rules(select, "--select")
    elif settings.select is not None:
        selected = [r for r in RULES if r.id in settings.select]
    else:
        selected = list(RULES)
    ignored = {rule.id for rule in _named_rules(ignore, "--ignore")}
    ignored |= set(settings.ignore)
    return [rule for rule in selected if rule.id not in ignored]


def _named_rules(values: list[str], option: str) -> list[Rule]:
    named: list[Rule] = []
    for value in values:
        for key in filter(None, (part.strip() for part in value.split(","))):
            rule = lookup(key)
            if rule is None:
                raise UsageError(
                    f"unknown rule {key!r} in {option}; `sockelint rules` lists them"
                )
            named.append(rule)
    if values and not named:
        # `--select "$RULES"` with RULES unset would otherwise check nothing
        # and pass.
        raise UsageError(f"{option} names no rule")
    return named


def _check_paths_exist(paths: list[str]) -> None:
    for path in paths:
        if path != STDIN and not os.path.lexists(path):
            raise UsageError(f"no such file or directory: {path}")


def _use_color(disabled: bool, chosen: str) -> bool:
    if disabled or os.environ.get("NO_COLOR") or chosen != "text":
        return False
    return sys.stdout.isatty()


def _fails(outcome: report.Report, threshold: str) -> bool:
    floor = SEVERITIES.index(threshold)
    levels = {outcome.level(f.rule) for f in outcome.findings}
    return any(SEVERITIES.index(level) >= floor for level in levels & set(SEVERITIES))


# Running the engine over the inputs ---------------------------------------


def _run(
    paths: list[str],
    stdin_name: str | None,
    rules: list[Rule],
    max_size: int | None,
    settings: config.Config,
) -> report.Report:
    max_size = max_size or reading.DEFAULT_MAX_SIZE
    outcome = report.Report(findings=[])
    files = [p for p in paths if p != STDIN]
    found = discovery.discover(files)
    found.files = [f for f in found.files if not _excluded(f.path, settings)]
    outcome.skipped += [
        report.Skip(s.path, s.reason)
        for s in found.skipped
        if not _excluded(s.path, settings)
    ]

    if STDIN in paths and not (stdin_name and _excluded(stdin_name, settings)):
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
    if name:
        kind = discovery.kind_for(shown, location, head)
    else:
        kind = kinds.kind_of_text(head)
    if kind is None:
        reason = (
            "unknown kind" if name else "unknown kind (name it with --stdin-filename)"
        )
        outcome.skipped.append(report.Skip(shown, reason))
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
    silenced: list[Finding] = []
    outcome.findings += engine.check(document, rules, problems, silenced)
    outcome.suppressed["inline"] += len(silenced)
    outcome.lines[document.path] = document.lines
    outcome.scanned += 1


def _excluded(path: str, settings: config.Config) -> bool:
    """The configuration's `exclude` applies to named files too, so a
    pre-commit hook passing file names honours it."""
    if settings.excluded(path):
        log.info("excluded by the configuration: %s", path)
        return True
    return False


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
