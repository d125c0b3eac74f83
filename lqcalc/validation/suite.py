"""The Great Expectations 1.x suite, and its twins in polars.

``lqcalc validate`` runs the suite (unless ``--no-gx``); ``lqcalc run`` runs it only with
``--gx`` and otherwise takes the same statistics from the polars twins (:func:`run_polars`).

Great Expectations is imported here, lazily, only when the suite runs (it costs several
seconds to import). It runs on pandas (``DataFrame.to_pandas()``) in an ephemeral context with
progress bars off; results are asked for in the BASIC format with no partial list (counts only, no row enumeration: SUMMARY also counts the failing values, three times slower when many rows fail) and each
result's ``exception_info`` is checked: an exception inside Great Expectations is an
:class:`~lqcalc.errors.InternalError`, never bad data.

Each expectation carries ``meta={"rule": <rule id>}`` and has a polars twin (the same
condition computed by :mod:`lqcalc.validation.checks`); the two counts must agree, otherwise
the validation itself is broken and an InternalError is raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from lqcalc.errors import InternalError
from lqcalc.validation.checks import FLAG, REQUIRED, YEAR_MAX, YEAR_MIN


_NOT_YOUR_DATA = ("the validation itself failed, not your data; please report it "
                  "(with the versions from `pip show great-expectations polars pandas`)")


@dataclass
class Spec:
    """One expectation: its GX class name, arguments, rule id and the polars twin."""

    rule: str
    gx_type: str               # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    twin: pl.Expr | None       # rows the expectation must count as unexpected

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column")

    @property
    def expectation(self) -> str:
        """The expectation's name as Great Expectations reports it (``expect_column_to_exist``).

        >>> Spec("x", "ExpectColumnValuesToBeBetween", {}, None).expectation
        'expect_column_values_to_be_between'
        """
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.gx_type).lower()


def specs(active_flags: list[str], *, year_min: int = YEAR_MIN, year_max: int = YEAR_MAX,
          rates: bool = False) -> list[Spec]:
    """The expectations of the suite for a table whose active flag rules are ``active_flags``.

    ``rates``: the table has rates (:mod:`lqcalc.rates`), whose negative values are valid; the
    negative-value rule is then checked on its flag column (negative values of the other
    measures), like the cross-row rules.

    >>> [s.gx_type for s in specs([])][:2]
    ['ExpectColumnToExist', 'ExpectColumnToExist']
    """
    out = [Spec("column_missing", "ExpectColumnToExist", {"column": c}, None) for c in REQUIRED]
    for c in ("region", "industry", "measure"):
        out.append(Spec("key_null", "ExpectColumnValuesToNotBeNull", {"column": c}, pl.col(c).is_null()))
    if not rates:
        out.append(Spec("negative_value", "ExpectColumnValuesToBeBetween", {"column": "value", "min_value": 0},
                        (pl.col("value") < 0).fill_null(False)))
    out.append(Spec("year_range", "ExpectColumnValuesToBeBetween",
                    {"column": "year", "min_value": year_min, "max_value": year_max},
                    ((pl.col("year") < year_min) | (pl.col("year") > year_max)).fill_null(False)))
    native = {"key_null", "year_range"} | (set() if rates else {"negative_value"})
    for rule in active_flags:
        if rule in native:
            continue
        out.append(Spec(rule, "ExpectColumnValuesToBeInSet", {"column": FLAG[rule], "value_set": [False]},
                        pl.col(FLAG[rule])))
    return out


def structural_specs() -> list[Spec]:
    """The expectations run when the table lacks required columns (only column existence)."""
    return [Spec("column_missing", "ExpectColumnToExist", {"column": c}, None) for c in REQUIRED]


def run_polars(frame: pl.DataFrame, suite_specs: list[Spec]) -> list[dict[str, Any]]:
    """The same statistics as :func:`run_suite`, from the polars twins alone.

    What ``lqcalc run`` uses unless given ``--gx`` (and ``lqcalc validate --no-gx``): the
    rules, counts and listed rows are identical (when the suite runs it checks that the two
    engines agree); only the second engine and its import time are skipped.

    >>> df = pl.DataFrame({"region": ["a", None], "industry": ["x", "x"], "measure": ["m", "m"],
    ...                    "value": [1.0, -2.0], "year": [2020, 2021]})
    >>> [(s["rule"], s["unexpected_count"]) for s in run_polars(df, specs([]))][-3:]
    [('key_null', 0), ('negative_value', 1), ('year_range', 0)]
    """
    twins = [(i, s.twin) for i, s in enumerate(suite_specs) if s.twin is not None and s.column in frame.columns]
    counts = dict(zip([i for i, _ in twins], frame.select([t.sum().alias(str(i)) for i, t in twins]).row(0))) if twins else {}
    stats = []
    for i, s in enumerate(suite_specs):
        present = s.column in frame.columns
        n = int(counts.get(i) or 0)
        stats.append({
            "rule": s.rule, "expectation": s.expectation, "column": s.column, "engine": "polars",
            "success": present and n == 0,
            "element_count": frame.height if present else 0,
            "unexpected_count": n, "missing_count": int(frame[s.column].null_count()) if present else None,
        })
    return stats


def run_suite(frame: pl.DataFrame, suite_specs: list[Spec], engine: str = "gx") -> list[dict[str, Any]]:
    """Run the expectations on ``frame`` through Great Expectations (pandas backend).

    Returns one statistics dict per expectation: rule, expectation, column, success,
    element_count, unexpected_count, missing_count. With ``engine="polars"`` the polars
    twins alone give them (:func:`run_polars`).

    Raises
    ------
    InternalError
        Great Expectations raised inside an expectation, or its count disagrees with the
        polars count of the same condition.
    """
    if engine == "polars":
        return run_polars(frame, suite_specs)
    try:
        import logging

        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig
    except Exception as exc:  # pragma: no cover - broken installation
        raise InternalError(f"great-expectations cannot be imported: {exc}",
                            hint="reinstall lqcalc's dependencies") from exc
    logging.getLogger("great_expectations").setLevel(logging.ERROR)

    cols = sorted({s.column for s in suite_specs if s.column and s.column in frame.columns})
    # Int64 (not Int32): GX compares numpy int64 / float64 columns vectorized, other dtypes
    # value by value in Python (minutes on 10M rows)
    # Text columns checked only for nulls go over as their null mask (1.0 / NaN): that is all
    # ExpectColumnValuesToNotBeNull looks at, and GX fingerprints the whole pandas frame
    # (hash_pandas_object) twice per validation, which costs seconds for 10M strings.
    null_only = {c for c in cols if frame.schema[c] in (pl.String, pl.Categorical)
                 and all(s.gx_type in ("ExpectColumnValuesToNotBeNull", "ExpectColumnToExist")
                         for s in suite_specs if s.column == c)}
    sel = frame.select(cols).with_columns(
        [pl.col(c).cast(pl.Int64) for c in cols if frame.schema[c].is_integer()]
        + [pl.when(pl.col(c).is_null()).then(None).otherwise(1.0).cast(pl.Float64).alias(c) for c in null_only]
    ) if cols else frame.head(0)
    pdf = sel.to_pandas()
    try:
        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        ds = ctx.data_sources.add_pandas("lqcalc")
        asset = ds.add_dataframe_asset("tidy")
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": pdf})
        suite = gx.ExpectationSuite(name="lqcalc_tidy")
        for i, s in enumerate(suite_specs):
            cls = getattr(gxe, s.gx_type)
            suite.add_expectation(cls(**s.kwargs, meta={"rule": s.rule, "index": i}))
        suite = ctx.suites.add(suite)
        result = batch.validate(suite, result_format={"result_format": "BASIC", "partial_unexpected_count": 0})
    except InternalError:
        raise
    except Exception as exc:
        raise InternalError(f"great-expectations failed while validating: {type(exc).__name__}: {exc}",
                            hint=_NOT_YOUR_DATA) from exc

    stats: list[dict[str, Any] | None] = [None] * len(suite_specs)
    for r in result.results:
        info = r.exception_info or {}
        if isinstance(info, dict) and "raised_exception" not in info:
            # several exceptions keyed by metric
            raised = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
        else:
            raised = [info] if info.get("raised_exception") else []
        if raised:
            raise InternalError(
                f"great-expectations raised in {r.expectation_config.type}: {raised[0].get('exception_message')}",
                hint=_NOT_YOUR_DATA)
        i = int(r.expectation_config.meta["index"])
        s = suite_specs[i]
        res = r.result or {}
        stats[i] = {
            "rule": s.rule, "expectation": r.expectation_config.type, "column": s.column,
            "success": bool(r.success),
            "element_count": res.get("element_count", frame.height if s.column in frame.columns else 0),
            "unexpected_count": int(res.get("unexpected_count") or 0),
            "missing_count": res.get("missing_count"),
        }
    missing = [suite_specs[i].gx_type for i, st in enumerate(stats) if st is None]
    if missing:
        raise InternalError(f"great-expectations returned no result for {missing}", hint=_NOT_YOUR_DATA)
    # the polars twins must agree with Great Expectations
    twins = [(i, s.twin) for i, s in enumerate(suite_specs) if s.twin is not None and s.column in frame.columns]
    if twins:
        counts = frame.select([t.sum().alias(str(i)) for i, t in twins]).row(0)
        for (i, _), n in zip(twins, counts):
            st = stats[i]
            assert st is not None
            if int(n) != st["unexpected_count"]:
                raise InternalError(
                    f"validation counts disagree for rule {st['rule']} ({st['expectation']} on {st['column']}): "
                    f"great-expectations {st['unexpected_count']}, polars {int(n)}", hint=_NOT_YOUR_DATA)
    return [st for st in stats if st is not None]
