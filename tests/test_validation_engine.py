"""Which engine validates: the polars rules in `lqcalc run` (Great Expectations with --gx),
the Great Expectations suite and the polars rules in `lqcalc validate` (the rules alone with --no-gx).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lqcalc.cli_options import make_config

FIX = Path(__file__).parent / "fixtures" / "validation"
REF = ("--reference-region", "全国", "--total-industry", "合计")


def _json_out(result) -> dict:
    return json.loads(result.stdout[result.stdout.index("{"):])


def test_run_validates_with_the_polars_rules_by_default(cli, tmp_path):
    out = tmp_path / "o"
    res = cli("run", FIX / "valid.csv", *REF, "--out", out, "--no-charts", "-q")
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["validation"]
    assert entry["engine"] == "polars" and "--gx" in entry["engine_note"]
    assert manifest["settings"]["gx"] is False
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["engine"] == "polars" and report["settings"]["gx_version"].startswith("not run")
    assert report["expectations"] and all(e["success"] for e in report["expectations"])
    assert "did not run: --gx runs it" in (out / "validation.html").read_text(encoding="utf-8")


def test_run_does_not_import_great_expectations():
    """The run's hot path: importing Great Expectations alone costs seconds."""
    src = FIX / "valid.csv"
    code = ("import sys, tempfile, os\n"
            "from lqcalc.cli import main\n"
            "d = tempfile.mkdtemp()\n"
            f"args = ['run', {str(src)!r}, '--reference-region', '全国', '--total-industry', '合计',\n"
            "        '--out', os.path.join(d, 'o'), '--no-charts', '-q']\n"
            "try:\n"
            "    main(args, standalone_mode=False)\n"
            "finally:\n"
            "    print('GX' if 'great_expectations' in sys.modules else 'no GX')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "no GX"


def test_run_gx_end_to_end(cli, tmp_path):
    out = tmp_path / "o"
    res = cli("run", FIX / "valid.csv", *REF, "--out", out, "--no-charts", "-q", "--gx")
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["validation"]["engine"] == "great_expectations"
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    assert report["engine"] == "great_expectations"
    assert report["settings"]["gx_version"][0].isdigit()
    assert all("engine" not in e for e in report["expectations"])         # statistics from Great Expectations
    # a broken input fails the same way with either engine
    bad = [cli("run", FIX / "negative_value.csv", *REF, "--out", tmp_path / f"b{i}", "--no-charts", *flag)
           for i, flag in enumerate(((), ("--gx",)))]
    assert [b.exit_code for b in bad] == [3, 3]
    assert bad[0].output.replace("b0", "b") == bad[1].output.replace("b1", "b")


def test_validate_runs_great_expectations_unless_no_gx(cli):
    args = ("validate", FIX / "negative_value.csv", *REF, "--json")
    with_gx, without = _json_out(cli(*args)), _json_out(cli(*args, "--no-gx"))
    assert with_gx["engine"] == "great_expectations" and without["engine"] == "polars"
    assert "--no-gx" in with_gx["engine_note"] and "--gx" in without["engine_note"]
    text = cli("validate", FIX / "valid.csv", *REF)
    assert text.exit_code == 0 and "Great Expectations" in text.output and "agree" in text.output


def test_gx_setting_in_the_config_file(tmp_path):
    toml = tmp_path / "run.toml"
    toml.write_text("gx = true\n", encoding="utf-8")
    assert make_config((), str(toml), gx=None).gx is True                        # run.toml turns it on
    assert make_config((), str(toml), gx=False).gx is False                      # --no-gx beats the file
    assert make_config((), None, gx=None).gx is False                            # lqcalc run
    assert make_config((), None, gx=None, defaults={"gx": True}).gx is True      # lqcalc validate
    toml.write_text("gx = false\n", encoding="utf-8")
    assert make_config((), str(toml), gx=None, defaults={"gx": True}).gx is False
    assert make_config((), str(toml), gx=True).gx is True
