"""``lqcalc import``: read statistical extracts into one tidy Parquet file and say what was read.

Registered in :mod:`lqcalc.cli` with ``main.add_command(import_command, "import")``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from lqcalc.cli_options import READ_OPTIONS, apply, make_config

# the layouts of lqcalc.io.detect.LAYOUTS, repeated so that `lqcalc --help` imports no polars
LAYOUTS = ("long", "nbs-classic", "nbs-new", "nbs-regions-indicators", "nbs-indicators-years",
           "nbs-national", "yearbook")


def _years(years: list) -> str:
    ys = sorted(y for y in years if y is not None)
    if not ys:
        return "none"
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]} ({len(ys)})"
    return ", ".join(map(str, ys))


def describe(info: dict) -> str:
    """Lines telling what one file was understood to be.

    >>> print(describe({"file": "a.csv", "layout": "nbs-classic", "encoding": "gb18030", "indicator": "城镇单位就业人员",
    ...                 "unit": "万人", "base_units": ["persons"], "years": [2023, 2024], "regions": 31,
    ...                 "reference_row": False, "rows": 62, "missing": 0, "footnote_lines": 4, "notes": []}))
    a.csv: nbs-classic, encoding gb18030
      indicator 城镇单位就业人员, unit 万人 -> persons
      years 2023, 2024; 31 regions (no 全国 reference row); 62 cells, 0 missing; 4 footnote line(s) skipped
    """
    head = f"{info.get('file')}: {info.get('layout')}"
    if info.get("encoding"):
        head += f", encoding {info['encoding']}"
    if info.get("sheet"):
        head += f", sheet {info['sheet']!r}"
    lines = [head]
    if info.get("title"):
        lines.append(f"  title {info['title']}")
    if info.get("indicator") or info.get("unit"):
        base = ", ".join(info.get("base_units") or []) or "as printed"
        lines.append(f"  indicator {info.get('indicator') or '?'}, unit {info.get('unit') or '?'} -> {base}")
    if info.get("measures") and len(info["measures"]) > 1:
        lines.append("  measures " + ", ".join(info["measures"]))
    ref = "with 全国 reference row" if info.get("reference_row") else "no 全国 reference row"
    parts = [f"years {_years(info.get('years') or [])}"]
    if info.get("regions") is not None:
        parts.append(f"{info['regions']} regions ({ref})")
    tail = f"{info.get('rows', 0):,} cells"
    if info.get("missing") is not None:
        tail += f", {info['missing']:,} missing"
    if info.get("footnote_lines"):
        tail += f"; {info['footnote_lines']} footnote line(s) skipped"
    lines.append("  " + "; ".join(parts) + "; " + tail)
    if info.get("non_additive"):
        lines.append("  rates (never summed; no LQ or share; change in percentage points): "
                     + ", ".join(info["non_additive"]))
    for note in info.get("notes") or []:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


@click.command("import", epilog="""\b
Examples:
  lqcalc import 分省年度数据.csv --out tidy.parquet
  lqcalc import oews.csv --region-col area_code --industry-col occ_code --value-col employment --out tidy.parquet
  lqcalc import 北京市主要指标.csv --region 北京市 --out tidy.parquet   (an export without 地区：)""")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="TIDY.parquet",
              help="Tidy Parquet file to write (replaced atomically).")
@click.option("--config", "config_file", metavar="run.toml", type=click.Path(dir_okay=False),
              help="TOML file with the same reading settings as `lqcalc run`; flags override it.")
@apply(READ_OPTIONS)
@click.option("--json", "as_json", is_flag=True, help="Print what was understood as JSON.")
def import_command(files, out, config_file, as_json, **flags):
    """Read NBS portal exports, yearbook tables or long tables into one tidy Parquet file.

    Layouts are detected (classic GBK portal CSV, new UTF-8 portal CSV, .xls/.xlsx
    exports and yearbook tables, national series, long tables with the same column options
    as `lqcalc run`). Regions become GB/T 2260 codes (全国 = 000000), values are scaled to
    base units (万人 -> persons, 亿元 -> yuan). Files that disagree on the same cell
    (revision vintages) stop the import.
    """
    from lqcalc.io import read_inputs
    from lqcalc.errors import UsageError

    cfg = make_config(files, config_file, **flags)
    opts = cfg.read
    for f in files:
        if not Path(f).is_file():
            raise UsageError(f"input file not found: {f}")
    tidy, infos = read_inputs(list(cfg.inputs), opts)
    out_path = Path(out)
    if out_path.parent and not out_path.parent.exists():
        out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lqcalc-import-", suffix=".parquet", dir=out_path.parent or ".")
    os.close(fd)
    try:
        tidy.write_parquet(tmp)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    if as_json:
        click.echo(json.dumps({"out": str(out_path), "rows": tidy.height, "files": infos},
                              ensure_ascii=False, indent=2, default=str))
        return
    for info in infos:
        click.echo(describe(info))
    click.echo(f"wrote {tidy.height:,} rows to {out_path}")
