"""The configuration file: `[tool.sockelint]` in `pyproject.toml`, or the
top level of `.sockelint.toml`.

The file is found by walking up from the working directory to the
repository's top (the folder holding `.git`); in one folder `.sockelint.toml`
wins over `pyproject.toml`, and a `pyproject.toml` without the table does not
count. Patterns (`exclude`, `per-file-ignores`, `allow.path`) are gitignore
patterns relative to the folder of the configuration file. Anything the file
says that sockelint does not understand is an error naming the file and the
key: a misspelt `ignore` silently ignored would hide the very findings it
was written for.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sockelint import gitignore
from sockelint.finding import Finding
from sockelint.rules import lookup

DEDICATED = ".sockelint.toml"
PYPROJECT = "pyproject.toml"
LEVELS = ("error", "warning", "note")


class ConfigError(Exception):
    """A configuration file sockelint cannot use: one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class PathPatterns:
    """Gitignore patterns, matched against paths relative to `base`."""

    base: Path
    patterns: tuple[gitignore.Pattern, ...]

    def match(self, path: str) -> bool:
        relative = _relative_to(path, self.base)
        if relative is None or not self.patterns:
            return False
        rules = [gitignore.IgnoreFile("", self.patterns)]
        parts = relative.split("/")
        # A pattern naming a folder covers everything below it, as in git.
        for end in range(1, len(parts)):
            if gitignore.ignored(rules, "/".join(parts[:end]), True):
                return True
        return gitignore.ignored(rules, relative, False)


@dataclass(frozen=True, slots=True)
class Allow:
    """A workload (by image) or a place (by path) whose findings are known
    and accepted, with the reason."""

    reason: str
    image: str | None = None
    path: PathPatterns | None = None

    def covers(self, finding: Finding) -> bool:
        if self.image is not None and not _image_matches(
            self.image, finding.workload_image
        ):
            return False
        return self.path is None or self.path.match(finding.span.path)


@dataclass(slots=True)
class Config:
    source: Path | None = None  # the file read; None when there was none
    select: list[str] | None = None  # rule ids; None: every rule
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> level
    exclude: PathPatterns | None = None
    per_file_ignores: list[tuple[PathPatterns, frozenset[str]]] = field(
        default_factory=list
    )
    allow: list[Allow] = field(default_factory=list)
    fail_on: str | None = None
    max_file_size: int | None = None
    format: str | None = None

    def excluded(self, path: str) -> bool:
        return self.exclude is not None and self.exclude.match(path)

    def ignored_here(self, finding: Finding) -> bool:
        """Whether `per-file-ignores` silences the finding."""
        return any(
            finding.rule in rules and patterns.match(finding.span.path)
            for patterns, rules in self.per_file_ignores
        )

    def allowed(self, finding: Finding) -> bool:
        return any(entry.covers(finding) for entry in self.allow)


# Finding the file ----------------------------------------------------------


def discover(start: Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (the working
    directory), or None."""
    folder = Path(os.path.abspath(start or os.getcwd()))
    for candidate in (folder, *folder.parents):
        found = _in_folder(candidate)
        if found is not None:
            return found
        if (candidate / ".git").exists():
            return None
    return None


def _in_folder(folder: Path) -> Path | None:
    dedicated = folder / DEDICATED
    if dedicated.is_file():
        return dedicated
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and _has_table(pyproject):
        return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    # A cheap look first: most pyproject files never mention sockelint.
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "sockelint" not in text:
        return False
    import tomllib  # only when a file may hold a configuration: 4 ms

    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{_shown(pyproject)}: not valid TOML: {error}") from None
    return isinstance(tool, dict) and "sockelint" in tool


# Reading it ----------------------------------------------------------------


def load(path: Path) -> Config:
    """The configuration in `path` (a `.sockelint.toml`, a `pyproject.toml`,
    or any TOML file with sockelint's keys at the top level)."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"{_shown(path)}: cannot read: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{_shown(path)}: not UTF-8 text") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{_shown(path)}: not valid TOML: {error}") from None

    # Anything until checked: `tool.sockelint` may hold any TOML value.
    table: object = document
    if path.name == PYPROJECT:
        tool = document.get("tool", {})
        table = tool.get("sockelint", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{_shown(path)}: `tool.sockelint` is not a table")
    return _Reader(path, text).config(table)


class _Reader:
    """Turns the table into a `Config`, naming file, key and line on any
    mistake."""

    def __init__(self, path: Path, text: str) -> None:
        self.file = path
        self.path = _shown(path)
        self.text = text
        self.base = Path(os.path.abspath(path)).parent

    def fail(self, key: str, problem: str) -> ConfigError:
        line = _line_of(self.text, key.split(".")[0].split("[")[0])
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: `{key}`: {problem}")

    def config(self, table: dict[str, Any]) -> Config:
        config = Config(source=self.file)
        for key, value in table.items():
            read = _KEYS.get(key)
            if read is None:
                known = ", ".join(sorted(_KEYS))
                raise self.fail(key, f"unknown key (known keys: {known})")
            read(self, config, key, value)
        return config

    # One method per key ----------------------------------------------------

    def select(self, config: Config, key: str, value: Any) -> None:
        config.select = self.rules(key, value)

    def ignore(self, config: Config, key: str, value: Any) -> None:
        config.ignore = self.rules(key, value)

    def severity(self, config: Config, key: str, value: Any) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table of rule = level")
        for name, level in value.items():
            rule_id = self.rule(f"{key}.{name}", name)
            if level not in LEVELS:
                raise self.fail(f"{key}.{name}", f"expected one of {', '.join(LEVELS)}")
            config.severity[rule_id] = level

    def exclude(self, config: Config, key: str, value: Any) -> None:
        config.exclude = self.patterns(key, self.strings(key, value))

    def per_file_ignores(self, config: Config, key: str, value: Any) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table of pattern = [rules]")
        for pattern, rules in value.items():
            where = f"{key}.{pattern}"
            ids = frozenset(self.rules(where, rules))
            config.per_file_ignores.append((self.patterns(where, [pattern]), ids))

    def allow(self, config: Config, key: str, value: Any) -> None:
        if not isinstance(value, list):
            raise self.fail(key, "expected a list of tables")
        for index, entry in enumerate(value):
            config.allow.append(self.allow_entry(f"{key}[{index}]", entry))

    def allow_entry(self, where: str, entry: Any) -> Allow:
        if not isinstance(entry, dict):
            raise self.fail(where, "expected a table with `image` or `path`")
        unknown = set(entry) - {"image", "path", "reason"}
        if unknown:
            raise self.fail(f"{where}.{sorted(unknown)[0]}", "unknown key")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise self.fail(where, "every entry needs a `reason`")
        if "image" not in entry and "path" not in entry:
            raise self.fail(where, "expected `image` or `path`")
        image = entry.get("image")
        if image is not None and not isinstance(image, str):
            raise self.fail(f"{where}.image", "expected a string")
        path = entry.get("path")
        if path is not None and not isinstance(path, str):
            raise self.fail(f"{where}.path", "expected a string")
        patterns = self.patterns(f"{where}.path", [path]) if path else None
        return Allow(reason.strip(), image, patterns)

    def fail_on(self, config: Config, key: str, value: Any) -> None:
        if value not in LEVELS:
            raise self.fail(key, f"expected one of {', '.join(LEVELS)}")
        config.fail_on = value

    def max_file_size(self, config: Config, key: str, value: Any) -> None:
        size = parse_size(value) if isinstance(value, int | str) else None
        if size is None:
            raise self.fail(key, "expected a positive size (a number, or 512K, 10M)")
        config.max_file_size = size

    def format(self, config: Config, key: str, value: Any) -> None:
        from sockelint import report

        if value not in report.BY_NAME:
            raise self.fail(key, f"expected one of {', '.join(report.BY_NAME)}")
        config.format = value

    # Value shapes ----------------------------------------------------------

    def strings(self, key: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "expected a list of strings")
        return value

    def rule(self, key: str, name: Any) -> str:
        rule = lookup(name) if isinstance(name, str) else None
        if rule is None:
            raise self.fail(key, f"unknown rule {name!r}; `sockelint rules` lists them")
        return rule.id

    def rules(self, key: str, value: Any) -> list[str]:
        return [self.rule(key, name) for name in self.strings(key, value)]

    def patterns(self, key: str, written: Iterable[str]) -> PathPatterns:
        parsed = []
        for text in written:
            pattern = gitignore.parse_line(text)
            if pattern is None:
                raise self.fail(key, f"not a path pattern: {text!r}")
            parsed.append(pattern)
        return PathPatterns(self.base, tuple(parsed))


_KEYS: dict[str, Callable[[_Reader, Config, str, Any], None]] = {
    "select": _Reader.select,
    "ignore": _Reader.ignore,
    "severity": _Reader.severity,
    "exclude": _Reader.exclude,
    "per-file-ignores": _Reader.per_file_ignores,
    "allow": _Reader.allow,
    "fail-on": _Reader.fail_on,
    "max-file-size": _Reader.max_file_size,
    "format": _Reader.format,
}


# Helpers -------------------------------------------------------------------


def parse_size(value: int | str) -> int | None:
    """A size in bytes: `4096`, `512K`, `10M`, `1G`; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    units = {"K": 1024, "M": 1024 * 1024, "G": 1024**3}
    multiplier = units.get(value[-1:].upper(), 1)
    digits = value[:-1] if multiplier > 1 else value
    if not digits.isdigit():
        return None
    size = int(digits) * multiplier
    return size if size > 0 else None


def _line_of(text: str, key: str) -> int | None:
    """The line where `key` is first assigned or opens a table; TOML's
    reader keeps no positions, so this is a best guess for the message."""
    name = re.escape(key)
    pattern = re.compile(
        rf"""^\s*(?:\[\[?\s*(?:tool\.sockelint\.)?)?["']?{name}["']?\s*(?:=|\]|\.)""",
        re.M,
    )
    header = re.search(r"^\s*\[\s*tool\.sockelint\s*\]", text, re.M)
    match = pattern.search(text, header.end() if header else 0)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _shown(path: Path) -> str:
    """The file as named in messages: relative to the working directory
    when it is below it."""
    relative = _relative_to(str(path), Path(os.getcwd()))
    return relative if relative is not None else str(path)


def _relative_to(path: str, base: Path) -> str | None:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return None


def _image_matches(pattern: str, image: str) -> bool:
    """Globs over the image as written; a pattern without a tag matches every
    tag and digest of the image."""
    if not image:
        return False
    untagged = image.split("@", 1)[0]
    if ":" in untagged.rsplit("/", 1)[-1]:
        untagged = untagged[: untagged.rindex(":")]
    return any(fnmatch.fnmatchcase(name, pattern) for name in {image, untagged})
