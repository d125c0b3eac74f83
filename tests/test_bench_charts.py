"""The benchmark measures what the charts cost a small run (bench/charts.py): the demo with
and without --no-charts, their ratio, and the stage timings of manifest.json."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import charts as bench_charts  # noqa: E402


def test_chart_time_ratio_is_measured_with_stage_timings(tmp_path):
    res = bench_charts.measure(repeat=1, workdir=tmp_path / "w", warm=False)
    best = res["best_wall_s"]
    assert best["charts"] > 0 and best["no_charts"] > 0
    assert res["ratio"] == round(best["charts"] / best["no_charts"], 3)
    assert res["target"] == 1.5
    assert set(res["stage_timings"]) >= {"read", "validate", "indicators", "write"}
    assert {"charts", "database", "summary"} <= set(res["write_timings"])
    assert 0 < res["help_s"] < 1.0
    text = bench_charts.markdown(res)
    assert f"**{res['ratio']:.2f}**" in text and "--no-charts" in text
