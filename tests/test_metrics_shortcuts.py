"""Every speed shortcut of the table builders gives the same table as the plain path.

Each shortcut lives in one helper of :mod:`lqcalc.tables` (see docs/architecture.md). Here
each helper is compared with the plain polars operation it stands for, and the output tables
are built twice, once as a run builds them and once with every shortcut replaced by its plain
path, and compared column by column and bit for bit. The comparison also checks that the
shortcuts did fire (a test of a shortcut that never applies proves nothing).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from lqcalc.builder import build_tables
from lqcalc.config import RunConfig
from lqcalc.metrics._safe import join_reasons
from lqcalc.schema import conform
from lqcalc.tables import aligned, clusters, codes, growth, indicators, industries, intensity, keys, order, regions, sums
from lqcalc.tables.codes import by_code, with_codes
from lqcalc.tables.engine import ENGINE
from lqcalc.tables.growth import _pair_join, growth_periods
from lqcalc.tables.reasons import reasons_where_null
from lqcalc.totals import attach_totals

BENCH = Path(__file__).resolve().parents[1] / "bench"


# --------------------------------------------------------------------------- the plain paths
def plain_sorted(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return df.sort(keys, nulls_last=True, maintain_order=True)


def plain_group_order(key: pl.Series) -> pl.Series:
    return pl.DataFrame({"k": key}).with_row_index("i").sort("k", maintain_order=True)["i"]


def plain_sums(df: pl.DataFrame, keys: list[str], aggs: list[pl.Expr]) -> pl.DataFrame:
    # the engine of the tables: the in-memory engine sums each group in row order
    return df.lazy().join(df.lazy().group_by(keys).agg(aggs), on=keys, how="left", nulls_equal=True,
                          maintain_order="left").collect(engine=ENGINE)


def plain_join(left: pl.DataFrame, right: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return left.join(right, on=keys, how="left", maintain_order="left")


def plain_reasons(df: pl.DataFrame, parts: list[tuple[str, pl.Expr]], missing: tuple[str, str] | None = None) -> pl.Series:
    """Every reason evaluated on every row, then joined: what reasons_where_null saves."""
    text = join_reasons([pl.when(pl.col(c).is_null()).then(r.cast(pl.String)) for c, r in parts])
    if missing:
        text = pl.when(pl.col(missing[0]).is_null()).then(pl.lit(missing[1])).otherwise(text)
    return df.select(text.alias("null_reason"))["null_reason"]


# (module, name, plain replacement): every place a table module takes a shortcut
PLAIN = [
    (growth, "side_by_side", lambda left, right, keys: None),
    (clusters, "join_aligned", plain_join),
    *[(m, "pack_keys", lambda df, cols: None) for m in (growth, clusters, regions, industries)],
    (sums, "sums_on_rows", plain_sums),
    (clusters, "sums_on_rows", plain_sums),
    *[(m, "sorted_rows", plain_sorted) for m in (growth, regions, industries, intensity)],
    (clusters, "sorted_rows_by_codes", plain_sorted),
    (industries, "group_order", plain_group_order),
    (indicators, "reasons_where_null", plain_reasons),
    (growth, "reasons_where_null", plain_reasons),
]


def spy(fired: dict[str, int], name: str, func, taken):
    """``func`` counting in ``fired[name]`` the calls on which its shortcut was taken."""
    def wrapper(*args, **kwargs):
        out = func(*args, **kwargs)
        if taken(out, *args):
            fired[name] = fired.get(name, 0) + 1
        return out
    return wrapper


def run_both(monkeypatch, base: pl.DataFrame, cfg: RunConfig) -> tuple[dict, dict, dict[str, int]]:
    """The tables with the shortcuts (counting those taken) and with the plain paths."""
    fired: dict[str, int] = {}
    with monkeypatch.context() as m:
        m.setattr(growth, "side_by_side", spy(fired, "side_by_side", aligned.side_by_side, lambda o, *a: o is not None))
        m.setattr(clusters, "join_aligned", spy(fired, "join_aligned", aligned.join_aligned,
                                                lambda o, left, right, k: aligned.same_keys(left, right, k)))
        for mod in (growth, clusters, regions, industries):
            m.setattr(mod, "pack_keys", spy(fired, "pack_keys", keys.pack_keys, lambda o, *a: o is not None))
        m.setattr(sums, "sums_on_rows", spy(fired, "sorted windows", sums.sums_on_rows,
                                            lambda o, df, keys, aggs: len(keys) == 1 and df[keys[0]].is_sorted()))
        m.setattr(industries, "group_order", spy(fired, "group_order (blocks)", order.group_order,
                                                 lambda o, key: bool(order.schema.period(key))))
        fast = build_tables(base, cfg)
    with monkeypatch.context() as m:
        for mod, name, plain in PLAIN:
            m.setattr(mod, name, plain)
        slow = build_tables(base, cfg)
    return fast, slow, fired


#: Largest relative difference allowed between the sums of sorted windows and of a group-by
#: (:func:`lqcalc.tables.sums.sums_on_rows`: the two add a group's values in another order).
WINDOW_REL_TOL = 1e-13


def assert_same_tables(fast: dict, slow: dict, *, exact: bool = True) -> int:
    """The same tables: schema, rows, nulls and every value; bit for bit when ``exact``,
    otherwise floats within :data:`WINDOW_REL_TOL`. Returns the number of floats that differ."""
    assert fast.keys() == slow.keys()
    differ = 0
    for name in fast:
        a, b = fast[name], slow[name]
        assert a.schema == b.schema, name
        assert a.height == b.height, name
        if a.equals(b):
            continue
        assert not exact, f"{name}: the shortcut and the plain path differ"
        for col, dtype in a.schema.items():
            if not dtype.is_float():
                assert a[col].equals(b[col]), f"{name}.{col}: the shortcut and the plain path differ"
                continue
            x, y = a[col], b[col]
            assert x.is_null().equals(y.is_null()), f"{name}.{col}: nulls differ"
            rel = pl.DataFrame({"x": x, "y": y}).select(
                ((pl.col("x") - pl.col("y")).abs() / pl.max_horizontal(pl.col("x").abs(), pl.col("y").abs())
                 .clip(lower_bound=1e-300)).fill_null(0.0).max())
            assert rel.item() <= WINDOW_REL_TOL, f"{name}.{col}: relative difference {rel.item()}"
            differ += int((x != y).sum())
    return differ


# --------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def county_base(tmp_path_factory) -> pl.DataFrame:
    """The benchmark's tiny county table (suppressed cells, zeros, explicit reference and
    total rows, nested sectors; a balanced panel), with establishment counts as a second measure."""
    sys.path.insert(0, str(BENCH))
    import generate

    path = tmp_path_factory.mktemp("shortcuts") / "tiny.parquet"
    generate.generate(generate.SIZES["tiny"], path)
    raw = pl.read_parquet(path)
    tidy = conform(pl.concat([
        raw.select("region", "industry", "year", pl.lit("employment").alias("measure"),
                   pl.col("employment").cast(pl.Float64).alias("value")),
        raw.select("region", "industry", "year", pl.lit("annual_avg_estabs_count").alias("measure"),
                   (pl.col("employment") // 40 + 1).cast(pl.Float64).alias("value")),
    ]))
    return attach_totals(tidy, generate.REFERENCE_REGION, generate.TOTAL_INDUSTRY).base


@pytest.fixture(scope="module")
def gbt_base() -> pl.DataFrame:
    """GB/T 2260 regions (a province, its cities, a district), nested industry codes, an
    unbalanced panel (a cell missing in the start year) and rows out of order."""
    regions = ["000000", "440000", "440300", "440304", "440100", "110000", "110101"]
    industries = ["011", "012", "021", "C13", "C14", "C15"]
    rows = []
    for y in (2019, 2020, 2021):
        for i, r in enumerate(regions):
            for j, ind in enumerate(industries):
                if y == 2019 and (r, ind) == ("440304", "012"):
                    continue
                v = None if (i * 7 + j * 3 + y) % 11 == 0 else float((i + 1) * (j + 2) * (y - 2017) % 37)
                rows.append({"region": r, "industry": ind, "year": y, "measure": "value_added", "value": v})
    tidy = conform(pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=3))
    return attach_totals(tidy, "000000").base


# --------------------------------------------------------------------------- tables
@pytest.mark.parametrize("dynamic", [False, True])
def test_county_tables_are_the_same_with_and_without_shortcuts(monkeypatch, county_base, dynamic):
    fast, slow, fired = run_both(monkeypatch, county_base, RunConfig(dynamic=dynamic, intensity=[
        "employment/annual_avg_estabs_count"]))
    assert_same_tables(fast, slow, exact="sorted windows" not in fired)
    assert fast["clusters"]["establishments"].null_count() < fast["clusters"].height   # the counts were used
    assert fired.get("pack_keys", 0) >= 4
    assert fired.get("join_aligned", 0) == 1         # the growth and the indicators of the end year
    if not dynamic:
        assert fired.get("side_by_side", 0) >= 1     # the start and end year of the balanced panel


def test_one_year_partition_is_the_same_with_and_without_shortcuts(monkeypatch, county_base):
    """A partition as a run builds it (one year, one measure): every region lists the same
    industries in the same order, so the industries' rows are put together by blocks."""
    year = county_base["year"].max()
    part = county_base.filter((pl.col("year") == year) & (pl.col("measure") == "employment"))
    fast, slow, fired = run_both(monkeypatch, part, RunConfig())
    assert fired.get("sorted windows", 0) >= 1     # the region sums: windows over the sorted region key
    assert_same_tables(fast, slow, exact=False)
    assert fired.get("group_order (blocks)", 0) >= 1 and fired.get("pack_keys", 0) >= 3


def test_gbt_tables_are_the_same_with_and_without_shortcuts(monkeypatch, gbt_base):
    fast, slow, fired = run_both(monkeypatch, gbt_base, RunConfig())
    assert_same_tables(fast, slow, exact="sorted windows" not in fired)
    assert fast["indicators"]["lq_parent"].null_count() < fast["indicators"].height   # the hierarchy was used
    assert "side_by_side" not in fired           # unbalanced: the years are joined
    assert fired.get("pack_keys", 0) >= 4


# --------------------------------------------------------------------------- helpers one by one
def test_side_by_side_is_the_left_join_when_the_keys_are_aligned():
    left = pl.DataFrame({"a": [1, 1, 2], "b": ["x", "y", "x"], "v": [1.0, None, 3.0]})
    right = pl.DataFrame({"a": [1, 1, 2], "b": ["x", "y", "x"], "w": [None, 5.0, 6.0]})
    assert aligned.side_by_side(left, right, ["a", "b"]).equals(plain_join(left, right, ["a", "b"]))
    assert aligned.join_aligned(left, right, ["a", "b"]).equals(plain_join(left, right, ["a", "b"]))
    shuffled = right.reverse()
    assert aligned.side_by_side(left, shuffled, ["a", "b"]) is None
    assert aligned.join_aligned(left, shuffled, ["a", "b"]).equals(plain_join(left, shuffled, ["a", "b"]))
    with_null = left.with_columns(b=pl.Series(["x", None, "x"]))
    assert aligned.side_by_side(with_null, with_null.select("a", "b"), ["a", "b"]) is None


def test_pair_join_by_position_equals_the_join(monkeypatch):
    f = pl.DataFrame({"k": [3, 1, 2] * 2, "year": [2020] * 3 + [2021] * 3, "v": [1.0, None, 2.0, 4.0, 5.0, None]})
    p = growth_periods([2020, 2021], None, None, False)
    fast = _pair_join(f, p, ["k"], ["v"]).collect()
    monkeypatch.setattr(growth, "side_by_side", lambda left, right, keys: None)
    slow = _pair_join(f, p, ["k"], ["v"]).collect().drop("_k", strict=False)
    assert fast.equals(slow.select(fast.columns)) and fast.columns == slow.columns


def test_packed_keys_group_like_the_columns():
    df = pl.DataFrame({"r": ["b", "a", "b", None, "a", "c"], "y": [2020, 2021, 2020, 2020, 2021, None],
                       "m": "emp", "u": pl.Series([3, 1, 3, 0, 1, 2], dtype=pl.UInt32)})
    for cols in (["r", "y"], ["r", "y", "m"], ["u", "m"], ["u", "r"], ["m"]):
        k = keys.pack_keys(df, cols)
        by_key = df.with_row_index("i").with_columns(k.alias("_k")).group_by("_k").agg("i")["i"].to_list()
        by_cols = df.with_row_index("i").group_by(cols).agg("i")["i"].to_list()
        assert sorted(map(sorted, by_key)) == sorted(map(sorted, by_cols)), cols


def test_lookup_by_code_equals_a_join():
    c = with_codes(pl.DataFrame({"region": ["b", "a", "c", "a", "b"], "industry": "x", "measure": "m"}))
    small = codes.first_of_codes(c, "_rc", ["region"]).with_columns(pl.col("region").str.to_uppercase().alias("up"))
    looked_up = by_code(small["_rc"], small["up"]).gather(c["_rc"])
    joined = c.join(small.select("_rc", "up"), on="_rc", how="left", maintain_order="left")["up"]
    assert looked_up.to_list() == joined.to_list() == ["B", "A", "C", "A", "B"]


@pytest.mark.parametrize("layout", ["sorted", "small codes", "large codes", "strings"])
def test_sums_on_rows_equal_a_group_by_joined_back(layout):
    n = 200
    k = pl.int_range(n, eager=True) // 7
    if layout == "small codes":
        k = k.shuffle(seed=1)
    elif layout == "large codes":
        k = (k * 1000).shuffle(seed=1)
    df = pl.DataFrame({"k": k.cast(pl.UInt64), "x": (pl.int_range(n, eager=True) * 0.37).sin()})
    if layout == "strings":
        df = df.with_columns(pl.col("k").cast(pl.String))
    aggs = [pl.col("x").sum().alias("s"), pl.col("x").count().alias("n")]
    fast, slow = sums.sums_on_rows(df, ["k"], aggs), plain_sums(df, ["k"], aggs)
    if layout == "sorted":     # windows add in another order than the group-by: the last bit may differ
        assert_same_tables({"t": fast}, {"t": slow}, exact=False)
    else:
        assert fast.equals(slow)


def test_sorts_and_group_order_equal_the_plain_sort():
    df = with_codes(pl.DataFrame({"region": ["b", "a", "b", "a", "c"], "industry": ["y", "y", "x", "x", "x"],
                                  "measure": "m", "year": [2021, 2020, 2020, 2021, 2020]}))
    for ks in (["region", "industry", "year"], ["industry", "region"], ["year", "region", "industry"]):
        assert order.sorted_rows(df, ks).equals(plain_sorted(df, ks))
        assert order.sorted_rows_by_codes(df, ks).equals(plain_sorted(df, ks))
    done = plain_sorted(df, ["region", "industry", "year"])
    assert order.sorted_rows(done, ["region", "industry", "year"]) is done
    for key in (pl.Series([2, 0, 1] * 4), pl.Series([2, 0, 2, 1, 0]), pl.Series([5, 5, 1])):
        assert order.group_order(key).equals(plain_group_order(key), check_names=False)


def test_reasons_where_null_equal_every_reason_evaluated():
    df = pl.DataFrame({"x": [1, 2, None, 4, 5, 0], "a": [1.0, None, None, None, 5.0, None],
                       "b": [1.0, 2.0, None, None, None, None]})
    parts = [("a", pl.format("a: x is {}", pl.col("x"))),
             ("b", pl.when(pl.col("x") > 4).then(pl.lit("b: large x"))),
             ("b", pl.lit("b: no b"))]
    for missing in (None, ("x", "x is missing")):
        assert reasons_where_null(df, parts, missing=missing).to_list() == plain_reasons(df, parts, missing).to_list()


@pytest.mark.parametrize("numpy_rows", [0, 10**9])
def test_sum_of_others_is_found_the_same_by_numpy_and_by_polars(monkeypatch, numpy_rows):
    """The region that is the sum of the others, found by a numpy bincount on the integer
    codes (large tables) or a polars group-by (small ones): the same answer, ties included."""
    import lqcalc.totals as totals

    monkeypatch.setattr(totals, "NUMPY_ROWS", numpy_rows)

    def coded(regions, values):
        labels = sorted(set(regions))
        return pl.DataFrame({"region": regions, "value": values,
                             "_rc": pl.Series([labels.index(r) for r in regions], dtype=pl.UInt32)})

    national = coded(["06", "01", "US", "02", "01"], [3.0, 1.0, 6.5, 2.0, 0.5])
    assert totals._sum_of_others(national, None) == "US"
    # two regions of the same largest sum that the others nearly add up to: the first label
    tie = coded(["B", "A", "C"], [100.0, 100.0, 0.5])
    assert totals._sum_of_others(tie, None) == "A"
    assert totals._sum_of_others(coded(["A", "B", "C"], [1.0, 2.0, 9.0]), None) is None
    assert totals._sum_of_others(coded(["A", "B"], [1.0, 1.0]), None) is None
