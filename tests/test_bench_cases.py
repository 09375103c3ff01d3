"""Hostile cases from tests/bench.py that once did not end or passed
silently, kept here so they stay fixed (the benchmark itself is not run by
pytest)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import bench
import pytest

from sockelint import cli


def _run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict, float]:
    start = time.perf_counter()
    code = cli.main(["--format", "json", "--isolated", str(path)])
    elapsed = time.perf_counter() - start
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out), elapsed


def test_merge_keys_doubling_on_every_level_end_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `<<: [*m, *m]` thirty levels deep: 2**29 merges when resolved naively.
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(bench._billion_laughs_merge())

    report, elapsed = _run(compose, capsys)

    assert elapsed < 20
    assert report["scanned"] == 1


def test_a_mapping_merged_into_itself_keeps_its_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(
        "x-a: &a\n"
        "  volumes: [/var/run/docker.sock:/var/run/docker.sock]\n"
        "  <<: *a\n"
        "services:\n  app:\n    image: x\n    <<: *a\n"
    )

    report, _ = _run(compose, capsys)

    assert [f["rule"] for f in report["findings"]] == ["SL101"]


def test_a_script_too_large_to_parse_is_reported_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "deploy.sh"
    script.write_text(bench._huge_script(80_000))

    report, _ = _run(script, capsys)

    assert [f["rule"] for f in report["findings"]] == ["SL000"]
