"""The chart process (lqcalc/output/chartjob.py): its forked copies draw exactly what one
process draws, it never imports polars, and a cancelled run stops it and its copies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from lqcalc.output import chartjob
from lqcalc.output.charts import chart_jobs, write_charts
from lqcalc.output.drawing import draw_jobs, shares
from test_output_data import cached_run

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked chart processes are Linux-only")


@pytest.fixture(scope="module")
def jobs():
    return chart_jobs(cached_run("bres")[1], "en", top_industries=3)


def _draw_in_process(tmp_path, jobs, monkeypatch, n):
    monkeypatch.setenv("LQCALC_CHART_WORKERS", str(n))
    proc = chartjob.start()
    assert proc is not None
    proc.submit(tmp_path, jobs)
    return proc.wait()


def test_jobs_are_plain_json_with_every_chart(jobs):
    assert json.loads(json.dumps(jobs)) == jobs
    kinds = [j["kind"] for j in jobs]
    assert kinds == ["bubble", "lq_time"] * 3 + ["shift"]
    owners = shares(kinds, 2)
    assert set(owners) == {0, 1}   # both processes get work


@linux_only
def test_forked_copies_draw_the_files_of_one_process(tmp_path, jobs, monkeypatch):
    one, t1 = _draw_in_process(tmp_path / "one", jobs, monkeypatch, 1)
    two, t2 = _draw_in_process(tmp_path / "two", jobs, monkeypatch, 2)
    assert (t1["workers"], t2["workers"]) == (1, 2)
    assert [p.name for p in two] == [p.name for p in one]   # the order of one process
    assert len(one) == 2 * len(jobs)
    for a, b in zip(one, two):
        assert a.read_bytes() == b.read_bytes(), a.name
    # and the same files as charts drawn in this process
    here = write_charts(tmp_path / "here", cached_run("bres")[1], "en", top_industries=3, quiet=True)
    assert [p.name for p in here] == [p.name for p in one]
    assert all(a.with_suffix(".png").read_bytes() == b.with_suffix(".png").read_bytes() for a, b in zip(here, one))


def test_chart_process_never_imports_polars(tmp_path, jobs):
    spec = tmp_path / "jobs.json"
    spec.write_text(json.dumps(jobs), encoding="utf-8")
    code = ("import json, sys; from lqcalc.output import chartjob; chartjob.warm_up(); "
            "from lqcalc.output.drawing import draw_jobs; "
            f"draw_jobs(json.load(open({str(spec)!r})), {str(tmp_path / 'charts')!r}); "
            "print('polars' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=chartjob.child_env(),
                         check=True)
    assert out.stdout.strip() == "False"
    assert len(list((tmp_path / "charts").iterdir())) == 2 * len(jobs)


@linux_only
def test_cancel_stops_the_process_and_its_copies(tmp_path, jobs, monkeypatch):
    monkeypatch.setenv("LQCALC_CHART_WORKERS", "2")
    proc = chartjob.start()
    proc.submit(tmp_path, jobs * 4)
    time.sleep(1.5)   # warmed up and forked
    pgid = proc.process.pid
    proc.cancel()
    for _ in range(50):   # killed copies are reaped by init shortly after
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a forked chart process survived the cancelled run")


def test_a_failing_copy_fails_the_charts(tmp_path, jobs, monkeypatch):
    bad = [dict(j) for j in jobs]
    bad[0]["kind"] = "pie"
    monkeypatch.setenv("LQCALC_CHART_WORKERS", "2")
    proc = chartjob.start()
    proc.submit(tmp_path, bad)
    with pytest.raises(RuntimeError, match="unknown kind of chart: 'pie'"):
        proc.wait()


def test_draw_jobs_share_covers_every_job_once(tmp_path, jobs):
    parts = [draw_jobs(jobs, tmp_path / "c", share=(k, 3)) for k in range(3)]
    positions = sorted(i for part in parts for i, _ in part)
    assert positions == sorted([i for i in range(len(jobs))] * 2)
