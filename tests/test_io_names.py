"""Name columns found by default reach the summaries, the charts and the DuckDB tables."""

from __future__ import annotations

import duckdb


def test_region_and_industry_names_reach_every_output(cli, tmp_path):
    rows = ["region,region_name,industry,industry_name,year,value"]
    vals = {"110000": ("北京市", [50, 20, 30]), "310000": ("上海市", [30, 40, 35]),
            "440000": ("广东省", [60, 90, 70]), "330000": ("浙江省", [40, 45, 50])}
    for year, f in ((2020, 1.0), (2023, 1.2)):
        for r, (name, v) in vals.items():
            for (i, iname), x in zip((("A", "农业"), ("B", "制造业"), ("C", "金融业")), v):
                rows.append(f"{r},{name},{i},{iname},{year},{round(x * f * (1.1 if (r, i) == ('110000', 'B') else 1), 2)}")
    src = tmp_path / "names.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = cli("run", src, "--out", out)
    assert r.exit_code == 0, r.output
    charts = sorted(out.glob("charts/*.svg"))
    assert charts and any("北京市" in p.read_text(encoding="utf-8") for p in charts)
    assert any("制造业" in p.read_text(encoding="utf-8") for p in charts)
    summary = (out / "summary" / "top_clusters_by_region.csv").read_text(encoding="utf-8-sig")
    assert "北京市" in summary and "制造业" in summary
    con = duckdb.connect(str(out / "lqcalc.duckdb"), read_only=True)
    try:
        got = con.sql("select distinct region_name, industry_name from indicators where region = '110000' "
                      "and industry = 'B'").fetchall()
    finally:
        con.close()
    assert got == [("北京市", "制造业")]
