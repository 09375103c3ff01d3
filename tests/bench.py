"""How fast sockelint is, and how much memory it takes: a script, not a test.

    python tests/bench.py [--quick] [--runs N] [--corpus PATH]

Every figure is a whole `sockelint` process run the way a user runs it
(start-up included), timed from outside: the median wall time of several
runs and the peak resident memory of the child (`ru_maxrss` from `wait4`).
Sections:

- start-up: `--version`, a run over an empty folder, and where the import
  time of a compose scan goes (`python -X importtime`);
- the pre-commit case: one file of each common kind;
- a synthetic monorepo (a few thousand files, most of them noise, and an
  ignored `node_modules`);
- the shared labelled corpus, when it is beside the repository;
- hostile inputs: huge, deep or self-referencing files. These must end
  quickly whether they are read or skipped.

pytest does not collect this file (its name does not start with `test_`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
TIMEOUT = 60.0  # seconds; a run taking longer is reported, not waited for

COMPOSE = """\
services:
  agent:
    image: portainer/agent:2.19
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - ./data:/data
  web:
    image: nginx:1.25
    ports: ["8080:80"]
    volumes:
      - ./site:/usr/share/nginx/html:ro
"""

SHELL = """\
#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
docker build -t app "$here"
docker run -d --name app -v /var/run/docker.sock:/var/run/docker.sock app
for i in 1 2 3; do
  echo "waiting $i"
  sleep 1
done
"""

DOCKERFILE = """\
FROM python:3.12-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . \\
 && useradd -m app
FROM build
USER app
CMD ["python", "-m", "app"]
"""

KUBERNETES = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: example/agent:1.0
          volumeMounts:
            - name: docker
              mountPath: /var/run/docker.sock
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
            type: Socket
"""

MAKEFILE = """\
.PHONY: up test
up:
\tdocker compose up -d
test:
\tdocker run --rm -v $(PWD):/src -w /src python:3.12 pytest
"""

MARKDOWN = """\
# Service

Run it locally:

```sh
docker run -v /var/run/docker.sock:/var/run/docker.sock example/service
```
"""


@dataclass
class Result:
    section: str
    case: str
    runs: int
    wall: list[float]  # seconds, one per run
    rss_kb: int  # the largest peak over the runs
    exit_code: int
    note: str = ""
    last: Run | None = None  # the last run, for its output

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.wall) * 1000


@dataclass(frozen=True)
class Run:
    seconds: float
    rss_kb: int
    exit_code: int
    stdout: bytes
    stderr: bytes


# Runs the command and writes its wall time and peak memory to a file. The
# measuring is done by this small process, not by the benchmark itself: a
# child's peak RSS on Linux starts from that of the process it was forked
# from, and the benchmark holds megabytes of generated text.
_LAUNCHER = """
import json, os, subprocess, sys, time
result, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
start = time.perf_counter()
child = subprocess.Popen(command)
timed_out = False
while True:
    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
    if pid:
        break
    if time.perf_counter() - start > timeout:
        child.kill()
        timed_out = True
        pid, status, usage = os.wait4(child.pid, 0)
        break
    time.sleep(0.0005)
seconds = time.perf_counter() - start
code = -9999 if timed_out else os.waitstatus_to_exitcode(status)
rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
with open(result, "w") as out:
    json.dump({"seconds": seconds, "rss_kb": rss, "exit_code": code}, out)
"""


def run_once(command: Sequence[str], cwd: Path) -> Run:
    """One child process: wall time, its own peak memory (kB), its exit code."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        result = Path(scratch) / "result.json"
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(result), str(TIMEOUT)]
        subprocess.run(
            [*launcher, *command],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            check=False,
        )
        measured = json.loads(result.read_text())
        out.seek(0)
        err.seek(0)
        return Run(
            measured["seconds"],
            measured["rss_kb"],
            measured["exit_code"],
            out.read(),
            err.read(),
        )


def measure(
    section: str,
    case: str,
    command: Sequence[str],
    cwd: Path,
    runs: int,
    note: str = "",
) -> Result:
    done: list[Run] = []
    for _ in range(runs):
        done.append(run_once(command, cwd))
        if done[-1].exit_code == -9999:
            break  # once is enough to know it does not end
    result = Result(
        section,
        case,
        len(done),
        [r.seconds for r in done],
        max(r.rss_kb for r in done),
        done[-1].exit_code,
        note,
    )
    if result.exit_code == -9999:
        result.note = f"TIMEOUT after {TIMEOUT:.0f} s " + result.note
    elif result.exit_code not in (0, 1):
        tail = done[-1].stderr.decode(errors="replace").strip().splitlines()[-1:]
        result.note = f"exit {result.exit_code}: {' '.join(tail)[:60]} " + result.note
    print(f"  {section:<10} {case:<38} {result.median_ms:9.1f} ms", file=sys.stderr)
    result.last = done[-1]
    return result


def sockelint(*arguments: str) -> list[str]:
    """The installed entry point, as pre-commit and users call it."""
    script = Path(sys.executable).parent / "sockelint"
    prefix = [str(script)] if script.exists() else [sys.executable, "-m", "sockelint"]
    return [*prefix, *arguments]


# -- start-up -----------------------------------------------------------------


def startup(work: Path, runs: int) -> list[Result]:
    empty = work / "empty"
    empty.mkdir()
    (work / "compose.yaml").write_text(COMPOSE)
    return [
        measure("start-up", "sockelint --version", sockelint("--version"), work, runs),
        measure("start-up", "sockelint (empty folder)", sockelint(), empty, runs),
        measure(
            "start-up",
            "python -c 'import sockelint.cli'",
            [sys.executable, "-c", "import sockelint.cli"],
            work,
            runs,
        ),
        measure(
            "start-up",
            "python -c pass (interpreter alone)",
            [sys.executable, "-c", "pass"],
            work,
            runs,
        ),
    ]


_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_breakdown(work: Path, runs: int) -> list[tuple[str, float]]:
    """Self import time per top-level package for a compose scan, in ms: the
    median over the runs."""
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "sockelint",
        "--format",
        "concise",
        "compose.yaml",
    ]
    per_run: list[dict[str, float]] = []
    for _ in range(runs):
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        totals: dict[str, float] = defaultdict(float)
        for match in _IMPORTTIME.finditer(done.stderr):
            module = match.group(4)
            group = module.split(".")[0]
            if group == "sockelint":
                group = ".".join(module.split(".")[:2])
            totals[group] += int(match.group(1)) / 1000
        per_run.append(totals)
    names = {name for totals in per_run for name in totals}
    medians = {n: statistics.median(t.get(n, 0.0) for t in per_run) for n in names}
    return sorted(medians.items(), key=lambda item: -item[1])


# -- the pre-commit case ------------------------------------------------------


def precommit(work: Path, runs: int) -> list[Result]:
    files = {
        "docker-compose.yml": COMPOSE,
        "deploy.sh": SHELL,
        "Dockerfile": DOCKERFILE,
        "daemonset.yaml": KUBERNETES,
    }
    folder = work / "precommit"
    folder.mkdir()
    results = []
    for name, text in files.items():
        (folder / name).write_text(text)
        command = sockelint("--format", "concise", name)
        results.append(measure("pre-commit", name, command, folder, runs))
    command = sockelint("--format", "concise", *files)
    results.append(measure("pre-commit", "all four in one run", command, folder, runs))
    return results


# -- a synthetic monorepo -----------------------------------------------------


def make_monorepo(root: Path, services: int) -> int:
    """A repository of `services` services, each with the files a real one
    has, plus noise and ignored folders. Returns the number of files."""
    count = 0

    def write(relative: str, text: str) -> None:
        nonlocal count
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        count += 1

    write(".gitignore", "node_modules/\ndist/\n*.log\n")
    (root / ".git").mkdir()
    for n in range(services):
        base = f"services/svc{n:04d}"
        socket = n % 7 == 0  # a few services hold the socket
        write(f"{base}/docker-compose.yml", COMPOSE if socket else _clean_compose(n))
        write(f"{base}/Dockerfile", DOCKERFILE)
        write(f"{base}/k8s/deployment.yaml", _deployment(n))
        write(f"{base}/k8s/values.yaml", f"replicas: {n % 5}\nimage: svc{n}\n")
        write(f"{base}/scripts/deploy.sh", SHELL if socket else "#!/bin/sh\necho ok\n")
        write(f"{base}/scripts/entrypoint", '#!/bin/sh\nexec "$@"\n')
        write(f"{base}/Makefile", MAKEFILE)
        write(f"{base}/README.md", MARKDOWN if socket else f"# svc{n}\n\nNothing.\n")
        for m in range(4):
            write(f"{base}/src/module{m}.py", "def f(x):\n    return x + 1\n" * 20)
        write(f"{base}/package.json", json.dumps({"name": f"svc{n}", "version": "1"}))
        write(f"{base}/data/sample.json", json.dumps([{"id": i} for i in range(50)]))
        write(f"{base}/notes.txt", "plain notes\n" * 10)
        write(f"{base}/build.log", "ignored log\n")
    for n in range(services * 2):
        write(f"node_modules/pkg{n}/index.js", "module.exports = 1;\n")
        write(f"node_modules/pkg{n}/docker-compose.yml", COMPOSE)
    for n in range(services // 2):
        write(f"dist/out{n}.yaml", KUBERNETES)
    return count


def _clean_compose(n: int) -> str:
    return COMPOSE.replace("/var/run/docker.sock:/var/run/docker.sock", f"./s{n}:/s")


def _deployment(n: int) -> str:
    return KUBERNETES.replace("DaemonSet", "Deployment").replace(
        "/var/run/docker.sock", f"/srv/svc{n}"
    )


def monorepo(work: Path, services: int, runs: int) -> list[Result]:
    root = work / "monorepo"
    total = make_monorepo(root, services)
    command = sockelint("--format", "json", ".")
    result = measure(
        "monorepo", f"{total} files, {services} services", command, root, runs
    )
    assert result.last is not None
    report = json.loads(result.last.stdout)
    scanned = report["scanned"]
    per_second = total / (result.median_ms / 1000)
    result.note = (
        f"{scanned} scanned, {len(report['findings'])} findings, "
        f"{per_second:,.0f} files/s walked, "
        f"{scanned / (result.median_ms / 1000):,.0f} scanned/s"
    )
    return [result]


# -- the labelled corpus ------------------------------------------------------


def corpus(path: Path, runs: int) -> list[Result]:
    if not path.is_dir():
        return []
    files = sum(1 for p in path.rglob("*") if p.is_file())
    command = sockelint("--format", "json", ".")
    result = measure("corpus", f"{path.name} ({files} files)", command, path, runs)
    assert result.last is not None
    report = json.loads(result.last.stdout)
    result.note = (
        f"{report['scanned']} scanned, {len(report['findings'])} findings, "
        f"{len(report['skipped'])} skipped"
    )
    return [result]


# -- hostile inputs -----------------------------------------------------------


def _huge_file(size: int) -> str:
    line = "      - ./data/some/long/path/name:/container/path/name:ro   # padding\n"
    body = line * (size // len(line) + 1)
    return "services:\n  big:\n    image: x\n    volumes:\n" + body


def _billion_laughs() -> str:
    lines = ['services:\n  lol:\n    image: x\n    x-a: &a ["lol", "lol"]\n']
    previous = "a"
    for level in "bcdefghij":
        refs = ", ".join(f"*{previous}" for _ in range(9))
        lines.append(f"    x-{level}: &{level} [{refs}]\n")
        previous = level
    lines.append(f"    environment: *{previous}\n")
    lines.append(f"    volumes: *{previous}\n")
    lines.append(f"    command: *{previous}\n")
    return "".join(lines)


def _billion_laughs_merge() -> str:
    """Aliases through merge keys, which resolve into mappings."""
    lines = ["x-0: &m0 {a: 1, b: 2}\n"]
    for level in range(1, 30):
        lines.append(f"x-{level}: &m{level}\n  <<: [*m{level - 1}, *m{level - 1}]\n")
        lines.append(f"  k{level}: *m{level - 1}\n  j{level}: *m{level - 1}\n")
    lines.append("services:\n  app:\n    image: x\n    <<: *m29\n")
    return "".join(lines)


def _deep(levels: int, opener: str, closer: str) -> str:
    return "services:\n  deep:\n    image: x\n    x-deep: " + (
        opener * levels + closer * levels + "\n"
    )


def _deep_block(levels: int) -> str:
    out = ["services:\n  deep:\n    image: x\n    x-deep:\n"]
    for level in range(levels):
        out.append("  " * (level + 3) + f"k{level}:\n")
    out.append("  " * (levels + 3) + "v\n")
    return "".join(out)


def _big_compose(services: int) -> str:
    parts = ["services:\n"]
    for n in range(services):
        parts.append(
            f"  svc{n}:\n    image: example/svc{n}:1.0\n"
            f"    environment:\n      - NAME=svc{n}\n      - LEVEL=info\n"
            f"    volumes:\n      - ./svc{n}:/data\n"
            + (
                "      - /var/run/docker.sock:/var/run/docker.sock\n"
                if n % 50 == 0
                else ""
            )
            + f'    ports:\n      - "{10000 + n % 50000}:80"\n'
        )
    return "".join(parts)


def _huge_script(lines: int) -> str:
    out = ["#!/bin/bash\nset -e\n"]
    for n in range(lines):
        if n % 100 == 0:
            out.append(
                f"docker run -d -v /var/run/docker.sock:/var/run/docker.sock i{n}\n"
            )
        else:
            out.append(f'echo "step {n}" && cp -r "src/{n}" "dst/{n}" || true\n')
    return "".join(out)


def _long_line(size: int) -> str:
    return "#!/bin/sh\necho " + "a" * size + "\n"


def _deep_shell(levels: int) -> str:
    return "#!/bin/sh\n" + "$(" * levels + "true" + ")" * levels + "\n"


def hostile(work: Path, runs: int) -> list[Result]:
    folder = work / "hostile"
    folder.mkdir()
    mb = 1024 * 1024
    cases: list[tuple[str, str, Callable[[], str], tuple[str, ...]]] = [
        (
            "30 MB compose (over the size limit)",
            "big/docker-compose.yml",
            lambda: _huge_file(30 * mb),
            (),
        ),
        (
            "30 MB compose, --max-file-size 64M",
            "big/docker-compose.yml",
            lambda: "",
            ("--max-file-size", "64M"),
        ),
        (
            "5 MB compose, 25k services",
            "five/docker-compose.yml",
            lambda: _big_compose(25_000),
            (),
        ),
        (
            "billion laughs (sequence aliases)",
            "laughs/docker-compose.yml",
            _billion_laughs,
            (),
        ),
        (
            "billion laughs (merge keys)",
            "merge/docker-compose.yml",
            _billion_laughs_merge,
            (),
        ),
        (
            "10,000 levels of [",
            "flow/docker-compose.yml",
            lambda: _deep(10_000, "[", "]"),
            (),
        ),
        (
            "10,000 levels of {a:",
            "flowmap/docker-compose.yml",
            lambda: _deep(10_000, "{a: ", "}"),
            (),
        ),
        (
            "2,000 levels of block mappings",
            "block/docker-compose.yml",
            lambda: _deep_block(2_000),
            (),
        ),
        (
            "10,000 levels of [ in a k8s manifest",
            "k8s/pod.yaml",
            lambda: "apiVersion: v1\nkind: Pod\nspec: " + "[" * 10_000 + "]" * 10_000,
            (),
        ),
        (
            "5 MB shell script, 80k lines",
            "script/deploy.sh",
            lambda: _huge_script(80_000),
            (),
        ),
        (
            "5 MB single-line shell script",
            "line/run.sh",
            lambda: _long_line(5 * mb),
            (),
        ),
        (
            "5,000 nested $( in a shell script",
            "nest/run.sh",
            lambda: _deep_shell(5_000),
            (),
        ),
        (
            "5 MB Dockerfile, 100k RUN lines",
            "df/Dockerfile",
            lambda: "FROM x\n" + "RUN echo hello world && true\n" * 100_000,
            (),
        ),
    ]
    results = []
    for case, relative, make, options in cases:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = make()
        if text:
            path.write_text(text)
        size = path.stat().st_size
        command = sockelint("--format", "json", *options, relative)
        result = measure("hostile", case, command, folder, runs)
        assert result.last is not None
        outcome = _outcome(result.last)
        result.note = f"{size / mb:.1f} MB; {outcome}{result.note}"
        results.append(result)
    return results


def _outcome(done: Run) -> str:
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return f"exit {done.exit_code}, no JSON report "
    rules: dict[str, int] = defaultdict(int)
    for finding in report["findings"]:
        rules[finding["rule"]] += 1
    found = ", ".join(f"{n}x{rule}" for rule, n in sorted(rules.items())) or "none"
    skipped = "; ".join(s["reason"][:40] for s in report["skipped"])
    return f"findings {found}" + (f"; skipped: {skipped}" if skipped else "") + " "


# -- the table ----------------------------------------------------------------


def machine(compiled: bool) -> list[str]:
    version = subprocess.run(sockelint("--version"), capture_output=True, text=True)
    cache = "package compiled before timing, as pip install does"
    if not compiled and os.environ.get("PYTHONDONTWRITEBYTECODE"):
        cache = "off (PYTHONDONTWRITEBYTECODE): every run compiles every module"
    return [
        f"sockelint {version.stdout.strip()}  python {platform.python_version()} "
        f"({platform.python_implementation()})",
        f"bytecode cache {cache}",
        f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"nproc {os.cpu_count()}, {_cpu_model()}",
    ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


def table(results: list[Result]) -> str:
    header = (
        f"{'section':<10} {'case':<40} {'runs':>4} {'median':>10} {'min':>10} "
        f"{'peak RSS':>9} {'exit':>4}  note"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.section:<10} {r.case:<40} {r.runs:>4} {r.median_ms:>7.1f} ms "
            f"{r.min_ms:>7.1f} ms {r.rss_kb / 1024:>6.1f} MB {r.exit_code:>4}  "
            f"{r.note.strip()}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller repo")
    parser.add_argument("--runs", type=int, help="runs per case (default 10, quick 3)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="do not compile the package first: measure a run that compiles "
        "every module (where PYTHONDONTWRITEBYTECODE is set, as on some CI)",
    )
    parser.add_argument(
        "--only",
        choices=["start-up", "pre-commit", "monorepo", "corpus", "hostile"],
        action="append",
        help="run only these sections (repeatable)",
    )
    options = parser.parse_args(argv)
    runs = options.runs or (3 if options.quick else 10)
    heavy_runs = 1 if options.quick else 3
    services = 100 if options.quick else 250
    wanted = set(
        options.only or ["start-up", "pre-commit", "monorepo", "corpus", "hostile"]
    )

    if not options.no_bytecode:
        # An installed package has its bytecode compiled by pip; a checkout
        # under PYTHONDONTWRITEBYTECODE would otherwise compile every module
        # on every run and measure the compiler, not sockelint.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "sockelint")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print("\n".join(machine(compiled=not options.no_bytecode)))
    results: list[Result] = []
    breakdown: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="sockelint-bench-") as scratch:
        work = Path(scratch)
        if "start-up" in wanted:
            results += startup(work, runs)
            breakdown = import_breakdown(work, runs)
        if "pre-commit" in wanted:
            results += precommit(work, runs)
        if "monorepo" in wanted:
            results += monorepo(work, services, heavy_runs)
        if "corpus" in wanted:
            results += corpus(options.corpus, heavy_runs)
        if "hostile" in wanted:
            results += hostile(work, heavy_runs)

    print()
    print(table(results))
    if breakdown:
        total = sum(ms for _, ms in breakdown)
        print(
            f"\nimport time of a compose scan (-X importtime, self ms): {total:.1f} ms"
        )
        for name, ms in breakdown[:15]:
            print(f"  {name:<34} {ms:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
