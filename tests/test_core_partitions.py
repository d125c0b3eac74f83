"""A run in partitions (a few whole years at a time) gives the tables of a run in one piece.

``--partition-rows`` only bounds memory: whatever the partitioning, every output table has
the same rows and values (row order may differ), the validation report the same counts and
the manifest the same row accounting. Checked on a table with a region hierarchy (GB/T 2260
codes), nested industry codes with explicit total and reference rows, two measures
(employees and establishments, so the Ellison-Glaeser index is computed), suppressed cells,
growth over a chosen period with dynamic steps, an intensity and a target; read both from
CSV (read at once, cut in memory) and from Parquet (scanned partition by partition).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest

from lqcalc.config import ReadOptions, RunConfig
from lqcalc.errors import DataError
from lqcalc.pipeline import TABLE_NAMES, run

YEARS = list(range(2015, 2021))
REGIONS = ["000000", "440000", "440300", "440304", "440305", "440100", "440103", "310000", "310101", "310104"]
LEAVES = {"C": ["C13", "C14"], "I": ["I63", "I64", "I65"], "R": ["R86"]}


def _prefix(region: str) -> str:
    return "" if region == "000000" else region[:2] if region.endswith("0000") else region[:4] if region.endswith("00") else region


def _table(seed: int = 3) -> pl.DataFrame:
    """Districts hold random leaf values (8 % suppressed); every larger area is the sum of the
    true values of the districts it contains, times 1.1 (districts left out of the table);
    sectors and the total ``T`` are larger than the sums of their leaves."""
    rng = random.Random(seed)
    districts = [r for r in REGIONS if not r.endswith("00")]
    leaves = [c for cs in LEAVES.values() for c in cs]
    rows = []
    for year in YEARS:
        true = {(d, c): (float(rng.randint(0, 9000)), float(rng.randint(1, 90))) for d in districts for c in leaves}
        for r in REGIONS:
            inside = [d for d in districts if d.startswith(_prefix(r))]
            scale = 1.0 if r in districts else 1.1
            vals = {c: (scale * sum(true[d, c][0] for d in inside), scale * sum(true[d, c][1] for d in inside))
                    for c in leaves}
            for c in leaves:
                emp, est = vals[c]
                if r in districts and rng.random() < 0.08:
                    emp = est = None   # suppressed
                rows.append((r, c, year, emp, est))
            for sector, cs in LEAVES.items():
                rows.append((r, sector, year, sum(vals[c][0] for c in cs) + 50, sum(vals[c][1] for c in cs) + 1))
            rows.append((r, "T", year, sum(v[0] for v in vals.values()) * 1.5 + 100,
                         sum(v[1] for v in vals.values()) * 1.5 + 3))
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String, "year": pl.Int32,
                                      "employment": pl.Float64, "单位数": pl.Float64}, orient="row")


def _cfg(src: Path, out: Path, partition_rows: int, **kw) -> RunConfig:
    settings = dict(
        inputs=[str(src)], out=str(out),
        read=ReadOptions(region_col="region", industry_col="industry", year_col="year",
                         value_cols=["employment", "单位数"], unit="persons"),
        reference_region="000000", total_industry="T", base_year=2016, end_year=2020, dynamic=True,
        intensity=["employment/单位数"], targets=["employment:440300:I:2025=60000"],
        partition_rows=partition_rows, gx=False, quiet=True, charts=False)
    return RunConfig(**{**settings, **kw})


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns, nulls_last=True)


def _assert_same(a: pl.DataFrame, b: pl.DataFrame, name: str) -> None:
    assert a.columns == b.columns, name
    assert a.height == b.height, name
    a, b = _sorted(a), _sorted(b)
    for c in a.columns:
        if a.schema[c] == pl.Float64:
            assert (a[c].is_null() == b[c].is_null()).all(), f"{name}.{c}: nulls differ"
            both = a[c].is_not_null()
            diff = ((a[c] - b[c]).abs() <= 1e-12 * b[c].abs().clip(1e-300)).filter(both)
            assert diff.all(), f"{name}.{c}: values differ"
        else:
            assert a[c].equals(b[c]), f"{name}.{c}: differs"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("partitions")
    t = _table()
    t.write_csv(d / "table.csv")
    t.write_parquet(d / "table.parquet")
    return {"csv": d / "table.csv", "parquet": d / "table.parquet", "dir": d}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_partitions_give_the_same_tables(inputs, fmt):
    d = inputs["dir"]
    whole = run(_cfg(inputs[fmt], d / f"{fmt}-whole", 10**9))
    assert whole.manifest["partitions"] == [{"years": YEARS, "rows": whole.manifest["rows"]["read"]}]
    rows_per_year = whole.manifest["rows"]["read"] // len(YEARS)
    for budget in (1, 2 * rows_per_year):
        part = run(_cfg(inputs[fmt], d / f"{fmt}-{budget}", budget))
        years = [p["years"] for p in part.manifest["partitions"]]
        assert years == ([[y] for y in YEARS] if budget == 1 else [YEARS[i:i + 2] for i in range(0, len(YEARS), 2)])
        assert part.manifest["rows"] == whole.manifest["rows"]
        for name in ["tidy", *TABLE_NAMES]:
            a = pl.read_parquet(part.out / f"{name}.parquet")
            b = pl.read_parquet(whole.out / f"{name}.parquet")
            _assert_same(a, b, name)
        va = json.loads((part.out / "validation.json").read_text(encoding="utf-8"))
        vb = json.loads((whole.out / "validation.json").read_text(encoding="utf-8"))
        for report in (va, vb):
            report.pop("settings")   # timings
        assert va == vb
    # the tables are not empty: the comparison compared something
    tables = {n: pl.read_parquet(whole.out / f"{n}.parquet") for n in TABLE_NAMES}
    assert tables["indicators"]["lq"].is_not_null().sum() > 500
    assert tables["indicators"]["lq_parent"].is_not_null().sum() > 100
    assert set(tables["growth"]["period"]) == {"total", "step"}
    assert tables["industries"]["eg_gamma"].is_not_null().sum() > 0
    assert tables["clusters"]["year"].unique().to_list() == [2020]
    assert tables["intensity"].height > 0 and tables["targets"].height == 1


def test_partitions_agree_when_the_end_year_lists_its_rows_in_another_order(tmp_path):
    # growth and clusters pair the end year with the start year kept from an earlier
    # partition by the codes the rules gave the labels, which do not depend on row order
    t = _table()
    last = t.filter(pl.col("year") == YEARS[-1]).sample(fraction=1.0, shuffle=True, seed=5)
    src = tmp_path / "shuffled.parquet"
    pl.concat([t.filter(pl.col("year") < YEARS[-1]), last]).write_parquet(src)
    whole = run(_cfg(src, tmp_path / "whole", 10**9))
    part = run(_cfg(src, tmp_path / "part", 1))
    assert len(part.manifest["partitions"]) == len(YEARS)
    for name in ("growth", "clusters", "indicators"):
        a, b = (pl.read_parquet(r.out / f"{name}.parquet") for r in (part, whole))
        _assert_same(a, b, name)
    clusters = pl.read_parquet(part.out / "clusters.parquet")
    assert clusters["growth"].is_not_null().sum() > 50 and clusters["class_nesta"].is_not_null().sum() > 50


def test_parquet_source_reads_only_the_partition_years(inputs):
    from lqcalc.io.source import ParquetSource

    src = ParquetSource(inputs["parquet"], ReadOptions(region_col="region", industry_col="industry",
                                                       year_col="year", value_cols=["employment", "单位数"]))
    plan = src.plan(1)
    assert [p.years for p in plan] == [(y,) for y in YEARS]
    part = src.read(plan[2])
    assert part["year"].unique().to_list() == [YEARS[2]]
    # lines are those of the whole file (1-based rows), not of the partition
    whole = pl.read_parquet(inputs["parquet"]).with_row_index("line", offset=1)
    lines = whole.filter(pl.col("year") == YEARS[2])["line"].cast(pl.Int64).to_list()
    assert sorted(set(part["source_line"].to_list())) == lines


@pytest.mark.parametrize("unit", [None, "persons"])
def test_the_measures_a_parquet_source_fixes_give_the_context_its_rows_give(inputs, unit):
    """The (measure, unit) pairs of a Parquet file's value columns are known without reading
    its rows; the validation context built with them equals the one that reads them."""
    from lqcalc.io.source import ParquetSource
    from lqcalc.validation import validation_context

    opts = ReadOptions(region_col="region", industry_col="industry", year_col="year",
                       value_cols=["employment", "单位数"], unit=unit)
    src = ParquetSource(inputs["parquet"], opts)
    read = validation_context(src.lazy(), raw_keys=src.raw_keys)
    fixed = validation_context(src.lazy(), raw_keys=src.raw_keys, fixed=src.fixed_pairs)
    assert fixed == read
    assert fixed.labels["measure"] == ("employment", "单位数")
    assert fixed.units == ({"employment": ("persons",), "单位数": ("persons",)} if unit else {})


def test_fixed_pairs_of_a_table_without_rows_are_left_out():
    """A table without rows has no measure, whatever the source fixes."""
    from lqcalc.validation import validation_context

    empty = pl.DataFrame(schema={"region": pl.String, "industry": pl.String, "measure": pl.String}).lazy()
    known = {"measure": pl.DataFrame({"measure": ["jobs"], "unit": ["persons"]})}
    ctx = validation_context(empty, fixed=known)
    assert ctx == validation_context(empty)
    assert ctx.rows == 0 and ctx.labels["measure"] == () and ctx.units == {}


def test_codes_with_blanks_around_them_are_stripped_only_where_a_label_has_them(inputs, tmp_path):
    """The partitioned reader strips a key column only when some label of the whole file has
    blanks around it (learnt from the distinct labels); either way the tables equal those
    of the same table without the blanks."""
    from lqcalc.io.source import ParquetSource
    from lqcalc.validation import validation_context

    opts = ReadOptions(region_col="region", industry_col="industry", year_col="year",
                       value_cols=["employment", "单位数"])
    clean = ParquetSource(inputs["parquet"], opts)
    ctx = validation_context(clean.lazy(), raw_keys=clean.raw_keys)
    clean.keys_padded(ctx.padded)
    assert ctx.padded == () and clean.strip == ()
    assert clean.read(clean.plan(1)[0])["region"].str.contains(" ").sum() == 0

    t = _table()
    # padding in the last year only: the first partitions have none, yet are stripped too
    last = pl.col("year") == YEARS[-1]
    padded = t.with_columns(
        pl.when(last & (pl.col("region") == "440300")).then(pl.lit(" 440300\u3000")).otherwise(pl.col("region")).alias("region"),
        pl.when(last & (pl.col("industry") == "I63")).then(pl.lit("I63\t")).otherwise(pl.col("industry")).alias("industry"))
    padded.write_parquet(tmp_path / "padded.parquet")
    src = ParquetSource(tmp_path / "padded.parquet", opts)
    ctx = validation_context(src.lazy(), raw_keys=src.raw_keys)
    src.keys_padded(ctx.padded)
    assert ctx.padded == ("region", "industry") and src.strip == ("region", "industry")
    assert "440300" in ctx.labels["region"] and " 440300\u3000" not in ctx.labels["region"]
    assert ctx.labels["region"] == tuple(sorted(set(REGIONS)))

    part = run(_cfg(tmp_path / "padded.parquet", tmp_path / "padded", 1))
    whole = run(_cfg(inputs["parquet"], tmp_path / "clean-whole", 10**9))
    assert part.manifest["rows"] == whole.manifest["rows"]
    for name in ["tidy", *TABLE_NAMES]:
        a = pl.read_parquet(part.out / f"{name}.parquet")
        b = pl.read_parquet(whole.out / f"{name}.parquet")
        if name == "tidy":
            a, b = a.drop("source_file"), b.drop("source_file")
        _assert_same(a, b, name)


def test_unreadable_cells_in_several_partitions_are_all_reported(tmp_path):
    t = _table().with_columns(pl.col("year").cast(pl.Int64))
    # two impossible years in different partitions: both are located
    t = t.with_columns(pl.when(pl.int_range(pl.len()) == 5).then(99).when(pl.int_range(pl.len()) == t.height - 3)
                       .then(12345).otherwise(pl.col("year")).alias("year"))
    src = tmp_path / "bad.parquet"
    t.write_parquet(src)
    with pytest.raises(DataError) as err:
        run(_cfg(src, tmp_path / "out", 1))
    lines = sorted(p.line for p in err.value.problems if p.rule == "bad_year")
    assert lines == [6, t.height - 2]
    assert not (tmp_path / "out").exists()


def test_quarantine_in_partitions(tmp_path):
    """Rows set aside in different partitions: the same rows rejected, the same tables."""
    t = _table()
    bad = (pl.int_range(pl.len()) == 40) | (pl.int_range(pl.len()) == t.height - 40)
    t = t.with_columns(pl.when(bad).then(-5.0).otherwise(pl.col("employment")).alias("employment"))
    src = tmp_path / "t.parquet"
    t.write_parquet(src)
    whole = run(_cfg(src, tmp_path / "whole", 10**9, on_invalid="quarantine"))
    part = run(_cfg(src, tmp_path / "part", 1, on_invalid="quarantine"))
    assert whole.manifest["rows"]["rejected"] == 2 and part.manifest["rows"] == whole.manifest["rows"]
    for name in ["rejected", *TABLE_NAMES]:
        _assert_same(pl.read_parquet(part.out / f"{name}.parquet"), pl.read_parquet(whole.out / f"{name}.parquet"), name)
    assert sorted(pl.read_parquet(part.out / "rejected.parquet")["source_line"].to_list()) == [41, t.height - 39]


def test_tables_option_writes_only_the_tables_asked_for(inputs, tmp_path):
    """``--tables indicators,clusters``: only those (and tidy) are written, with the same rows
    as in a full run (clusters still get their growth); a misspelled name stops the run."""
    from lqcalc.errors import UsageError

    full = run(_cfg(inputs["parquet"], tmp_path / "full", 1))
    some = run(_cfg(inputs["parquet"], tmp_path / "some", 1, tables=["indicators,clusters"]))
    assert sorted(some.manifest["outputs"]) == ["clusters", "indicators", "tidy"]
    assert not (some.out / "growth.parquet").exists() and not (some.out / "regions.parquet").exists()
    for name in ("indicators", "clusters"):
        _assert_same(pl.read_parquet(some.out / f"{name}.parquet"), pl.read_parquet(full.out / f"{name}.parquet"), name)
    assert pl.read_parquet(some.out / "clusters.parquet")["growth"].is_not_null().sum() > 0
    with pytest.raises(UsageError, match="no table named 'cluster'") as err:
        run(_cfg(inputs["parquet"], tmp_path / "bad", 1, tables=["indicators", "cluster"]))
    assert "clusters" in (err.value.hint or "")
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("partition_rows", [1, 10**9], ids=["a year a partition", "one partition"])
def test_growth_alone_skips_the_years_between_and_gives_the_same_rows(inputs, tmp_path, monkeypatch, partition_rows):
    """``--tables growth`` from a start to an end year: the years between are read and
    validated (same report, same row counts) but no table is computed from them (no
    denominators either, also within a partition of several years), and the growth rows are
    those of a full run."""
    kw = {"dynamic": False, "targets": [], "intensity": []}
    full = run(_cfg(inputs["parquet"], tmp_path / "full", 1, **kw))
    import lqcalc.totals

    computed: list[list[int]] = []
    attach = lqcalc.totals.attach_totals

    def counting(base, *args, **kwargs):
        totals = attach(base, *args, **kwargs)
        computed.append(sorted(totals.base["year"].unique().to_list()))
        return totals

    monkeypatch.setattr(lqcalc.totals, "attach_totals", counting)
    some = run(_cfg(inputs["parquet"], tmp_path / "growth", partition_rows, tables=["growth"], **kw))
    # base and end year only
    assert computed == ([[2016], [2020]] if partition_rows == 1 else [[2016, 2020]])
    assert sorted(some.manifest["outputs"]) == ["growth", "tidy"]
    assert len(some.manifest["partitions"]) == (len(YEARS) if partition_rows == 1 else 1)
    assert some.manifest["rows"] == full.manifest["rows"]
    assert some.manifest["validation"] == full.manifest["validation"]
    growth = pl.read_parquet(some.out / "growth.parquet")
    _assert_same(growth, pl.read_parquet(full.out / "growth.parquet"), "growth")
    assert set(growth["period"]) == {"total"} and growth["growth"].is_not_null().sum() > 150
    _assert_same(pl.read_parquet(some.out / "tidy.parquet"), pl.read_parquet(full.out / "tidy.parquet"), "tidy")


def test_appender_writer_thread_errors_reach_the_caller(tmp_path):
    from lqcalc.output.appender import TableAppender

    class Broken:
        schema = None

        def write_table(self, table):
            raise OSError("disk full")

        def close(self):
            pass

    df = pl.DataFrame({"a": ["x"], "b": [1.0]})
    app = TableAppender(tmp_path)
    app.write("t", df)
    schema = app._writers["t"].schema
    app._writers["t"] = Broken()          # the next append fails in the writer thread
    app._writers["t"].schema = schema
    app.write("t", df)
    with pytest.raises(OSError, match="disk full"):
        app.close()
    assert app._threads == []             # the threads have ended
    # an error of the caller stops the thread too, without waiting for pending tables
    with pytest.raises(RuntimeError, match="caller"):
        with TableAppender(tmp_path / "b") as app2:
            (tmp_path / "b").mkdir()
            app2.write("t", df)
            app2.write("t", df)
            raise RuntimeError("caller")
    assert app2._threads == []


def test_appender_keeps_every_string_whether_a_part_holds_one_value_or_many(tmp_path):
    """Columns of one value go to the file as one-entry dictionaries; a later part with
    several values (or none) in that column, and source lines in the delta encoding, read
    back exactly, with polars and with DuckDB."""
    import duckdb

    from lqcalc.output.appender import TableAppender

    parts = [
        pl.DataFrame({"measure": ["emp"] * 3, "unit": [None, "persons", None], "source_line": [2, 3, 4]}),
        pl.DataFrame({"measure": ["emp", "estab", None], "unit": ["persons"] * 3, "source_line": [5, 9, 10**12]}),
        pl.DataFrame({"measure": [None, None], "unit": [None, None], "source_line": [11, 1]},
                     schema={"measure": pl.String, "unit": pl.String, "source_line": pl.Int64}),
    ]
    with TableAppender(tmp_path) as app:
        for p in parts:
            app.write("t", p)
        app.close()
    expected = pl.concat(parts)
    back = pl.read_parquet(tmp_path / "t.parquet")
    assert back.schema == expected.schema and back.equals(expected)
    rows = duckdb.sql(f"select measure, unit, source_line from '{tmp_path / 't.parquet'}'").fetchall()
    assert rows == expected.rows()


def test_appender_writes_coded_columns_from_their_codes(tmp_path):
    """A column given with its labels and codes reads back as the strings themselves; a part
    without codes (rows set aside, say) is dictionary-encoded the usual way, and a column
    first written plain stays plain."""
    import duckdb

    from lqcalc.output.appender import TableAppender

    labels = ("01001", "01003", "06037")
    parts = [
        (pl.DataFrame({"region": ["06037", "01001", "06037"], "industry": ["a", "b", "c"]}),
         {"region": (labels, pl.Series([2, 0, 2], dtype=pl.UInt32))}),
        (pl.DataFrame({"region": ["01003", "01001"], "industry": ["a", "a"]}), None),
        (pl.DataFrame({"region": ["01003"], "industry": ["d"]}),
         {"region": (labels, pl.Series([1], dtype=pl.UInt32)), "industry": (("d",), pl.Series([0], dtype=pl.UInt32))}),
    ]
    with TableAppender(tmp_path) as app:
        for df, coded in parts:
            app.write("t", df, coded=coded)
        app.close()
    expected = pl.concat([p for p, _ in parts])
    back = pl.read_parquet(tmp_path / "t.parquet")
    assert back.schema == expected.schema and back.equals(expected)
    assert duckdb.sql(f"select region, industry from '{tmp_path / 't.parquet'}'").fetchall() == expected.rows()


def test_appender_writers_keep_the_order_of_each_file(tmp_path):
    """Parts of several tables, handed over interleaved to the writer threads, land in
    each file in the order they were given."""
    from lqcalc.output import appender as ap

    assert ap.WRITERS >= 2   # the order is at stake only with several writers
    with ap.TableAppender(tmp_path) as app:
        for i in range(30):
            for name, n in (("big", 20_000), ("small", 3), ("mid", 2_000)):
                app.write(name, pl.DataFrame({"part": [i] * n, "row": range(n)}))
        app.close()
    for name, n in (("big", 20_000), ("small", 3), ("mid", 2_000)):
        back = pl.read_parquet(tmp_path / f"{name}.parquet")
        assert back["part"].to_list() == [i for i in range(30) for _ in range(n)], name
        assert back["row"].to_list() == list(range(n)) * 30, name


def test_appender_writes_a_table_whose_rows_come_last_in_one_piece(tmp_path):
    """Parts without rows wait; a last part with rows is the whole file; later empty parts
    are ignored and a later part with rows is refused; a table given only empty parts is
    written at close with its columns."""
    from lqcalc.output.appender import TableAppender

    schema = {"region": pl.String, "growth": pl.Float64}
    rows = pl.DataFrame({"region": ["a", "b"], "growth": [0.5, None]}, schema=schema)
    with TableAppender(tmp_path) as app:
        app.write("growth", pl.DataFrame(schema=schema))
        app.write("never", pl.DataFrame(schema=schema))
        app.write("growth", rows, last=True)
        app.write("growth", pl.DataFrame(schema=schema))
        with pytest.raises(ValueError, match="last part"):
            app.write("growth", rows)
        app.close()
    assert pl.read_parquet(tmp_path / "growth.parquet").equals(rows)
    assert app.rows == {"growth": 2, "never": 0}
    never = pl.read_parquet(tmp_path / "never.parquet")
    assert never.height == 0 and dict(never.schema) == schema


def test_appender_finish_reads_a_table_still_being_written_from_memory(tmp_path, monkeypatch):
    """``finish`` gives appended files their footers and returns scans of them, but a table
    written in one piece whose file is not yet written comes from memory; ``written``
    waits for that file. An error of that write reaches ``written`` and ``close``."""
    import threading

    from lqcalc.output import appender as ap

    release = threading.Event()
    real = ap.write_whole

    def slow(df, path):
        assert release.wait(10)
        if df.height == 1:
            raise OSError("disk full")
        real(df, path)

    monkeypatch.setattr(ap, "write_whole", slow)
    rows = pl.DataFrame({"region": ["a", "b"], "growth": [0.5, None]})
    with ap.TableAppender(tmp_path) as app:
        app.write("tidy", pl.DataFrame({"v": [1.0]}))
        app.write("tidy", pl.DataFrame({"v": [2.0]}))
        app.write("growth", rows, last=True)
        tables = app.finish()
        assert not (tmp_path / "growth.parquet").exists()      # still being written
        assert tables["growth"].collect().equals(rows)           # read from memory meanwhile
        assert tables["tidy"].collect()["v"].to_list() == [1.0, 2.0]   # a finished file
        release.set()
        files = app.written()
        assert files["growth"].collect().equals(rows)
        app.close()
    assert pl.read_parquet(tmp_path / "growth.parquet").equals(rows)

    release.clear()
    app = ap.TableAppender(tmp_path / "b")
    (tmp_path / "b").mkdir()
    app.write("tidy", pl.DataFrame({"v": [1.0]}))
    app.write("tidy", pl.DataFrame({"v": [2.0]}))
    app.write("growth", rows.head(1), last=True)
    app.finish()
    release.set()
    with pytest.raises(OSError, match="disk full"):
        app.written()
    with pytest.raises(OSError, match="disk full"):
        app.close()
    assert app._threads == []


def test_appender_splits_whole_number_values_into_byte_streams(tmp_path):
    """Input values (whole numbers, some missing) go to the file in the byte-stream-split
    encoding, ratios in the plain one; both read back exactly with polars and DuckDB."""
    import random

    import duckdb
    import pyarrow.parquet as pq

    from lqcalc.output.appender import TableAppender

    rng = random.Random(7)
    parts = [pl.DataFrame({"value": [None if rng.random() < 0.1 else float(rng.randint(0, 5000)) for _ in range(20_000)],
                           "lq": [rng.random() * 3 for _ in range(20_000)]}) for _ in range(3)]
    with TableAppender(tmp_path) as app:
        for p in parts:
            app.write("t", p)
        app.close()
    meta = pq.ParquetFile(tmp_path / "t.parquet").metadata
    encodings = {meta.row_group(0).column(i).path_in_schema: meta.row_group(0).column(i).encodings for i in range(2)}
    assert "BYTE_STREAM_SPLIT" in encodings["value"] and "BYTE_STREAM_SPLIT" not in encodings["lq"]
    expected = pl.concat(parts)
    assert pl.read_parquet(tmp_path / "t.parquet").equals(expected)
    assert duckdb.sql(f"select value, lq from '{tmp_path / 't.parquet'}'").fetchall() == expected.rows()
