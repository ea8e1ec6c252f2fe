"""The team benchmarks without PostgreSQL: "not run" with one line, or an error in CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import pg

WHY = "PostgreSQL's initdb is not on PATH nor in /usr/lib/postgresql/*/bin"


def test_without_postgresql_the_team_rows_are_not_run_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import bench.__main__ as bench_main

    monkeypatch.delenv(pg.REQUIRE_ENV, raising=False)
    monkeypatch.setattr(pg, "unavailable", lambda: WHY)
    monkeypatch.setattr(bench_main, "compile_sources", lambda: None)
    out = tmp_path / "results.json"
    code = bench_main.main(["--only", "team", "team_stall", "--out", str(out)])
    results = json.loads(out.read_text())
    assert code == 0  # not an error: this machine lacks what the rows need
    assert results["figures"] == []
    for name in ("team", "team_stall"):
        line = results["errors"][name]
        assert line == f"not run: the team server benchmarks need PostgreSQL: {WHY}"


def test_with_postgresql_required_its_absence_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import bench.__main__ as bench_main

    monkeypatch.setenv(pg.REQUIRE_ENV, "1")
    monkeypatch.setattr(pg, "unavailable", lambda: WHY)
    monkeypatch.setattr(bench_main, "compile_sources", lambda: None)
    out = tmp_path / "results.json"
    assert bench_main.main(["--only", "team", "--out", str(out)]) == 1
    error = json.loads(out.read_text())["errors"]["team"]
    assert f"PostgreSQL is required ({pg.REQUIRE_ENV}=1) but {WHY}" in error
