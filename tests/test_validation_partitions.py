"""Validation partition by partition gives the whole table's verdict, counts, findings and warnings.

A run validates its input a few whole years at a time (:class:`lqcalc.validation.PartitionGate`)
against facts of the whole table (:func:`lqcalc.validation.validation_context`); the merged
report (:func:`lqcalc.validation.merge_reports`) must equal the report of validating the whole
table at once, and quarantine must set aside the same rows.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lqcalc import schema
from lqcalc.config import ReadOptions, RunConfig
from lqcalc.errors import DataError, InternalError
from lqcalc.io import read_inputs
from lqcalc.validation import PartitionGate, gate, merge_reports, validate_tidy, validation_context

FIX = Path(__file__).parent / "fixtures" / "validation"
REF = RunConfig(reference_region="全国", total_industry="合计", gx=False)
SYN = RunConfig(reference_region="R", total_industry="T", gx=False)


def _frozen(d: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in d.items()))


def summary(rep) -> dict:
    """What must not depend on how the table was split."""
    return {
        "ok": rep.ok, "fatal": rep.fatal, "rows": rep.rows, "bad_rows": rep.n_bad_rows, "errors": rep.n_errors,
        "counts": {k: v for k, v in rep.counts.items() if v},
        "findings": {_frozen(f) for f in rep.findings},
        "warnings": {_frozen(w) for w in rep.warnings},
        "missing_share": rep.missing_share,
        "stats": sorted((s["rule"], s["expectation"], str(s["column"]), s["element_count"], s["unexpected_count"],
                         s["success"]) for s in rep.stats),
    }


def rowset(df: pl.DataFrame) -> set:
    """The rows as a set (NaN compared as text: nan != nan)."""
    return {tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in r) for r in df.rows()}


def groupings(years: list) -> list[list[list]]:
    """Every year alone, all together, and every split into two groups (in order of their first year)."""
    out = [[[y] for y in years], [list(years)]]
    for r in range(1, len(years)):
        for first in itertools.combinations(years, r):
            rest = [y for y in years if y not in first]
            groups = sorted([list(first), rest], key=lambda g: (g[0] is None, g[0] or 0))
            out.append(groups)
    return out[:40]


def parts_of(t: pl.DataFrame, groups: list[list]) -> list[pl.DataFrame]:
    parts = []
    for g in groups:
        cond = pl.col("year").is_in([y for y in g if y is not None])
        if None in g:
            cond = cond | pl.col("year").is_null()
        parts.append(t.filter(cond))
    return [p for p in parts if p.height]


def assert_partitions_agree(t: pl.DataFrame, cfg: RunConfig, *, all_groupings: bool = True) -> None:
    whole = validate_tidy(t, cfg)
    ctx = validation_context(t.lazy())
    years = sorted(set(t["year"].to_list()), key=lambda y: (y is None, y or 0))
    for groups in (groupings(years) if all_groupings else [[[y] for y in years]]):
        reports = [validate_tidy(p, cfg, context=ctx) for p in parts_of(t, groups)]
        merged = merge_reports(reports)
        assert summary(merged) == summary(whole), groups
        assert merged.settings["partitions"] == len(reports)
    # quarantine: the same rows are kept and set aside
    q = RunConfig(**{**cfg.__dict__, "on_invalid": "quarantine"})
    if whole.fatal:
        return
    pg = PartitionGate(q, ctx)
    kept, rejected = [], []
    codes = []
    for p in parts_of(t, [[y] for y in years]):
        good, rej = pg.check(p)
        assert {"_rc", "_ic", "_mc"} <= set(good.columns)   # codes of the rules, for the indicators
        codes.append(good.select("region", "_rc", "industry", "_ic", "measure", "_mc"))
        kept.append(good.drop("_rc", "_ic", "_mc"))
        rejected.append(rej)
    # one code per label and one label per code, the same in every partition
    allc = pl.concat(codes)
    for label, code in (("region", "_rc"), ("industry", "_ic"), ("measure", "_mc")):
        pairs = allc.select(label, code).unique()
        assert pairs[label].n_unique() == pairs[code].n_unique() == pairs.height, label
    if whole.n_bad_rows == whole.rows:
        with pytest.raises(DataError, match="every row was rejected"):
            pg.finish()
        return
    res = pg.finish()
    assert summary(res.report) == summary(whole)
    g_whole, r_whole = whole.split()
    assert rowset(pl.concat(kept)) == rowset(g_whole)
    assert rowset(pl.concat(rejected)) == rowset(r_whole)
    assert (res.rows_used, res.rows_rejected) == (g_whole.height, r_whole.height)


def _read(*files: str) -> pl.DataFrame:
    t, _ = read_inputs([str(FIX / f) for f in files], ReadOptions())
    return t


BROKEN = ["duplicate_keys.csv", "footnote_row.csv", "missing_marker_as_region.csv", "negative_value.csv",
          "reference_missing_one_year.csv", "region_exceeds_reference.csv", "total_missing_one_region.csv",
          "total_smaller_than_part.csv", "two_spellings.csv", "year_out_of_range.csv", "zero_totals.csv",
          "missing_markers_in_values.csv", "valid.csv"]


@pytest.mark.parametrize("name", BROKEN)
def test_fixture_split_by_year_gives_the_whole_report(name):
    t = _read(name)
    assert t["year"].n_unique() >= 2
    assert_partitions_agree(t, REF)


def test_fixtures_with_warnings_split_by_year():
    for name in ("unnamed_national_row.csv", "many_suppressed.csv", "latin1_names.csv", "leading_zeros_lost.csv"):
        t = _read(name)
        # one year only: spread the rows over three years so that every warning spans partitions
        t = pl.concat([t.with_columns(pl.lit(y, pl.Int32).alias("year")) for y in (2018, 2019, 2020)])
        whole = validate_tidy(t, RunConfig(gx=False))
        assert whole.warnings or not whole.ok, name
        assert_partitions_agree(t, RunConfig(gx=False))


# ---- a synthetic multi-year table with a problem in every year ----

def synthetic(years=(2016, 2017, 2018, 2019, 2020, 2021), regions=6, industries=("a", "b", "c")) -> pl.DataFrame:
    """Reference R, total T, parts inside their totals; no region is the sum of the others."""
    rows = []
    for y in years:
        for r in range(regions):
            vals = [float(10 + r * 3 + i * 2 + (y % 5)) for i in range(len(industries))]
            rows += [(f"X{r}", ind, y, v) for ind, v in zip(industries, vals)] + [(f"X{r}", "T", y, sum(vals) + 1.0)]
        for i, ind in enumerate(industries):
            rows.append(("R", ind, y, float(1000 + 100 * i)))
        rows.append(("R", "T", y, 5000.0))
    return _frame(rows)


def _frame(rows, unit="persons") -> pl.DataFrame:
    df = pl.DataFrame({"region": [r[0] for r in rows], "industry": [r[1] for r in rows], "year": [r[2] for r in rows],
                       "value": [r[3] for r in rows]}, schema_overrides={"year": pl.Int32, "value": pl.Float64},
                      orient="col")
    return schema.conform(df.with_columns(pl.lit("emp").alias("measure"), pl.lit(unit).alias("unit"),
                                          pl.lit("in.csv").alias("source_file"),
                                          pl.int_range(2, df.height + 2, dtype=pl.Int64).alias("source_line")))


def broken_synthetic() -> pl.DataFrame:
    t = synthetic()
    y = pl.col("year")
    cell = lambda reg, ind: (pl.col("region") == reg) & (pl.col("industry") == ind)
    t = t.with_columns(
        # 2016: a negative value and a part larger than its total
        pl.when(cell("X1", "a") & (y == 2016)).then(-4.0)
        .when(cell("X2", "b") & (y == 2016)).then(999.0)
        # 2017: a region larger than the reference, a NaN
        .when(cell("X3", "c") & (y == 2017)).then(1250.0)
        .when(cell("X4", "a") & (y == 2017)).then(float("nan"))
        # 2019: zero total, a missing reference value
        .when(cell("X5", "T") & (y == 2019)).then(0.0)
        .when(cell("R", "b") & (y == 2019)).then(None)
        .otherwise(pl.col("value")).alias("value"),
        # 2021: 内蒙古 spelled one way, 2018 the other
        pl.when((pl.col("region") == "X0") & (y == 2021)).then(pl.lit("内蒙古"))
        .when((pl.col("region") == "X0") & (y == 2018)).then(pl.lit("内蒙古自治区"))
        .otherwise(pl.col("region")).alias("region"),
    )
    extra = _frame([("X1", "a", 2018, 5.0),                      # duplicate key in 2018
                    ("注：数据来源于统计年鉴", "a", 2021, None),      # a note read as a row
                    ("—", "b", 2019, 3.0),                       # a missing marker as region
                    ("X2", "a", 1850, 1.0)])                     # a year out of range
    # a second measure whose unit changes in 2020
    pay = pl.concat([_frame([("X1", "a", 2019, 3.0), ("X2", "a", 2019, 4.0)]),
                     _frame([("X1", "a", 2020, 0.3), ("X2", "a", 2020, 0.4)], unit="万人")]).with_columns(
        pl.lit("pay").alias("measure"))
    t = pl.concat([t, extra, pay]).filter(~((pl.col("region") == "R") & (pl.col("year") == 2017) & (pl.col("industry") == "T"))
                                     & ~((pl.col("region") == "X3") & (pl.col("industry") == "T") & (y == 2018)))
    t = t.filter(~((pl.col("region") == "R") & (y == 2021)))      # no reference row at all in 2021
    return t.sort("year", maintain_order=True).with_columns(pl.int_range(2, t.height + 2, dtype=pl.Int64).alias("source_line"))


def test_synthetic_table_with_a_problem_in_every_year():
    t = broken_synthetic()
    whole = validate_tidy(t, SYN)
    failing = {k for k, v in whole.counts.items() if v}
    assert failing == {"negative_value", "exceeds_total", "exceeds_reference", "non_finite", "mixed_units",
                       "region_spelling", "duplicate_key", "footnote_row", "key_null", "year_range",
                       "reference_missing", "total_missing"}
    assert {w["rule"] for w in whole.warnings} >= {"zero_total", "reference_value_missing"}
    assert_partitions_agree(t, SYN, all_groupings=False)
    years = sorted(set(t["year"].to_list()))
    ctx = validation_context(t)
    for groups in ([years[:3], years[3:]], [years[::2], years[1::2]], [[years[0], years[-1]], years[1:-1]]):
        merged = merge_reports([validate_tidy(p, SYN, context=ctx) for p in parts_of(t, groups)])
        assert summary(merged) == summary(whole), groups


def test_columns_set_to_one_literal_are_checked_like_written_out_ones():
    """A key or source column given as one literal (the measure of --value-col, the source
    file) is coded without being written out on every row: the report is the same."""
    t = broken_synthetic()
    written = pl.DataFrame([t[c] for c in t.columns])          # every column a full Series
    ctx = validation_context(t)
    for part in t.partition_by("year", maintain_order=True):
        if part["measure"].n_unique() > 1:
            continue
        literal = part.with_columns(pl.lit(part["measure"][0]).alias("measure"),
                                    pl.lit("in.csv").alias("source_file"))
        plain = written.filter(pl.col("year") == part["year"][0])
        assert summary(validate_tidy(literal, SYN, context=ctx)) == summary(validate_tidy(plain, SYN, context=ctx))
    # one region (a literal) and one industry in a partition, against the whole table's labels
    one = t.filter((pl.col("region") == "X1") & (pl.col("industry") == "a")).with_columns(
        pl.lit("X1").alias("region"), pl.lit("a").alias("industry"))
    plain = written.filter((pl.col("region") == "X1") & (pl.col("industry") == "a"))
    assert summary(validate_tidy(one, SYN, context=ctx)) == summary(validate_tidy(plain, SYN, context=ctx))
    assert validate_tidy(one, SYN, context=ctx).counts["duplicate_key"] == 2     # X1, a, 2018 twice


def test_clean_multi_year_table():
    t = synthetic()
    whole = validate_tidy(t, SYN)
    assert whole.ok and whole.warnings == []
    assert_partitions_agree(t, SYN)
    # many years missing in one measure: the warning spans the partitions
    t = t.with_columns(pl.when(pl.col("year") >= 2019).then(None).otherwise(pl.col("value")).alias("value"))
    whole = validate_tidy(t, SYN)
    assert {w["rule"] for w in whole.warnings} >= {"suppressed_share", "missing_share", "reference_value_missing"}
    assert_partitions_agree(t, SYN)


def test_a_unit_changed_between_years_is_found_across_partitions():
    t = pl.concat([_frame([(r, i, 2019, v) for r, i, v in (("R", "T", 10.0), ("X", "T", 5.0), ("X", "a", 5.0))]),
                   _frame([(r, i, 2020, v) for r, i, v in (("R", "T", 0.1), ("X", "T", 0.05), ("X", "a", 0.05))],
                          unit="万人")])
    ctx = validation_context(t)
    reports = [validate_tidy(p, SYN, context=ctx) for p in t.partition_by("year", maintain_order=True)]
    # each year alone has one unit; against the whole table both are wrong
    assert all(r.counts["mixed_units"] == 3 for r in reports)
    assert all(validate_tidy(p, SYN).ok for p in t.partition_by("year"))
    merged = merge_reports(reports)
    assert merged.counts["mixed_units"] == 6
    assert sorted(f["unit"] for f in merged.findings) == ["persons", "万人"]
    assert summary(merged) == summary(validate_tidy(t, SYN))


def test_two_spellings_of_a_province_in_different_years_are_found_across_partitions():
    rows = [("内蒙古", "a", 2019, 1.0), ("北京市", "a", 2019, 2.0), ("内蒙古自治区", "a", 2020, 1.0),
            ("北京市", "a", 2020, 2.0)]
    t = _frame(rows)
    ctx = validation_context(t.lazy())
    parts = t.partition_by("year", maintain_order=True)
    reports = [validate_tidy(p, RunConfig(gx=False), context=ctx) for p in parts]
    assert [r.counts["region_spelling"] for r in reports] == [1, 1]
    assert [f["others"] for r in reports for f in r.findings] == ["内蒙古自治区", "内蒙古"]
    assert all(validate_tidy(p, RunConfig(gx=False)).ok for p in parts)               # alone, each year looks fine
    assert summary(merge_reports(reports)) == summary(validate_tidy(t, RunConfig(gx=False)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["R", "X", "Y", "Z", "—"]), st.sampled_from(["T", "a", "b", "ab"]),
                          st.sampled_from([2018, 2019, 2020, None]),
                          st.one_of(st.none(), st.floats(-5, 120), st.sampled_from([float("nan"), float("inf")]))),
                min_size=1, max_size=40),
       st.lists(st.sampled_from(["persons", "万人"]), min_size=1, max_size=40))
def test_any_split_by_year_gives_the_whole_report(rows, units):
    rows = [("R", "T", 2019, 100.0)] + rows          # the reference region and total industry exist
    t = _frame(rows).with_columns(pl.Series("unit", [units[i % len(units)] for i in range(len(rows))]))
    t = t.sort("year", nulls_last=True, maintain_order=True)
    for cfg in (RunConfig(gx=False), SYN):
        assert_partitions_agree(t, cfg, all_groupings=False)


# ---- PartitionGate ----

def test_partition_gate_fail_mode_stops_computing_but_keeps_looking(tmp_path):
    t = broken_synthetic()
    years = sorted(set(t["year"].to_list()))
    cfg = RunConfig(reference_region="R", total_industry="T", out=str(tmp_path / "out"), gx=False)
    pg = PartitionGate(cfg, validation_context(t))
    goods = [pg.check(p)[0] for p in parts_of(t, [[y] for y in years])]
    # 1850 (a year out of range) comes first: nothing is computed from there on
    assert goods[0] is None and all(g is None for g in goods) and pg.failed
    with pytest.raises(DataError) as exc:
        pg.finish()
    assert "out.validation.html" in (exc.value.hint or "")
    rep = json.loads((tmp_path / "out.validation.json").read_text(encoding="utf-8"))
    whole = validate_tidy(t, cfg)
    assert rep["errors"] == whole.n_errors and rep["bad_rows"] == whole.n_bad_rows
    assert {p["rule"] for p in rep["problems"]} == {k for k, v in whole.counts.items() if v}
    assert not (tmp_path / "out").exists()


def test_partition_gate_fail_mode_computes_good_partitions_until_an_error():
    t = synthetic()
    bad = t.filter(pl.col("year") == 2018).with_columns(pl.lit(-1.0).alias("value"))
    t = pl.concat([t.filter(pl.col("year") != 2018), bad]).sort("year", maintain_order=True)
    pg = PartitionGate(SYN, validation_context(t))
    goods = [pg.check(p)[0] for p in t.partition_by("year", maintain_order=True)]
    assert [g is not None for g in goods] == [True, True, False, False, False, False]
    assert goods[0].columns == [*schema.TIDY_COLUMNS, "_rc", "_ic", "_mc"]   # tidy columns + the codes of the rules
    with pytest.raises(DataError):
        pg.finish()


def test_partition_gate_report_option(tmp_path):
    t = _frame([("X", "a", 2020, -1.0), ("Y", "a", 2020, 2.0)])
    pg = PartitionGate(RunConfig(gx=False), validation_context(t), report=tmp_path / "check.html")
    good, rejected = pg.check(t)
    assert good is None and rejected.height == 0        # fail mode sets nothing aside
    with pytest.raises(DataError):
        pg.finish()
    assert (tmp_path / "check.html").exists() and (tmp_path / "check.json").exists()


def test_partition_gate_fatal_structure():
    t = _frame([("X", "a", 2020, 1.0)]).drop("industry")
    pg = PartitionGate(RunConfig(on_invalid="quarantine", gx=False), validation_context(t))
    good, rejected = pg.check(t)
    assert good is None and rejected.height == 0 and pg.failed
    pg.check(t)
    with pytest.raises(DataError) as exc:
        pg.finish()
    assert [p.rule for p in exc.value.problems] == ["column_missing"]     # listed once


def test_partition_gate_quarantine_with_no_row_left_fails():
    t = _frame([("X", "a", 2019, -1.0), ("X", "a", 2020, -2.0)])
    pg = PartitionGate(RunConfig(on_invalid="quarantine", gx=False), validation_context(t))
    for p in t.partition_by("year", maintain_order=True):
        good, rejected = pg.check(p)
        assert good.height == 0 and rejected.height == 1
    with pytest.raises(DataError, match="every row was rejected"):
        pg.finish()


def test_gate_is_one_partition():
    t = broken_synthetic()
    res = gate(t, RunConfig(reference_region="R", total_industry="T", on_invalid="quarantine", gx=False))
    whole = validate_tidy(t, SYN)
    good, rejected = whole.split()
    assert res.good.equals(good) and rowset(res.rejected) == rowset(rejected)
    assert summary(res.report) == summary(whole)


def test_context_from_another_table_is_an_internal_error():
    a, b = _frame([("X", "a", 2020, 1.0)]), _frame([("Y", "a", 2020, 1.0)])
    with pytest.raises(InternalError, match="another table"):
        validate_tidy(b, RunConfig(gx=False), context=validation_context(a))


def test_reference_named_by_name_in_a_partition_without_it():
    t = synthetic(years=(2019, 2020)).with_columns(
        pl.when(pl.col("region") == "R").then(pl.lit("全国")).otherwise(None).alias("region_name"))
    t = t.filter(~((pl.col("region") == "R") & (pl.col("year") == 2020)))
    ctx = validation_context(t)
    cfg = RunConfig(reference_region="全国", total_industry="T", gx=False)
    reports = [validate_tidy(p, cfg, context=ctx) for p in t.partition_by("year", maintain_order=True)]
    assert [r.counts["reference_missing"] for r in reports] == [0, 24]
    assert summary(merge_reports(reports)) == summary(validate_tidy(t, cfg))


def test_a_large_table_sorted_by_year_is_validated_in_slices(monkeypatch):
    """validate_tidy slices a large table by year (SLICE_ROWS): the same report, rows and order."""
    import lqcalc.validation.validate as v

    t = broken_synthetic()
    monkeypatch.setattr(v, "SLICE_ROWS", 10**9)
    whole = validate_tidy(t, SYN)
    monkeypatch.setattr(v, "SLICE_ROWS", 30)
    assert len(v._year_slices(t["year"], 30)) > 2
    sliced = validate_tidy(t, SYN)
    assert summary(sliced) == summary(whole)
    assert sliced.findings == whole.findings and sliced.warnings == whole.warnings
    assert sliced.bad_row_mask.equals(whole.bad_row_mask)
    for a, b in zip(sliced.split(), whole.split()):
        assert rowset(a) == rowset(b) and a.height == b.height
    # not sorted by year: one piece
    shuffled = t.sample(fraction=1.0, shuffle=True, seed=1)
    assert v._year_slices(shuffled["year"], 30) == [(0, t.height)]


@pytest.mark.parametrize("layout", ["runs", "blocks", "blocks_but_last", "shuffled", "one", "nulls_and_blanks"])
def test_label_codes_on_every_layout(layout):
    """The integer codes of labels are their positions in the context, whatever the row order."""
    labels = [f"{i:04d}" for i in range(12)]
    col = {"runs": [lab for lab in labels for _ in range(9)],
           "blocks": labels * 9,
           "blocks_but_last": labels * 8 + labels[:-1] + ["0000"],
           "shuffled": pl.Series(labels * 9).sample(fraction=1.0, shuffle=True, seed=3).to_list(),
           "one": ["0003"] * 40,
           "nulls_and_blanks": (labels + [None, "—"]) * 7}[layout]
    t = pl.DataFrame({"region": col, "industry": "x", "measure": "m"}, schema_overrides={"region": pl.String})
    ctx = validation_context(t)
    known = list(ctx.labels["region"])
    none = len(known)
    expected = [none if (x is None or x == "—") else known.index(x) for x in col]
    assert ctx.codes(t["region"], "region").to_list() == expected
