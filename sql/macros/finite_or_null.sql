-- finite_or_null: a number where it is finite, NULL where it is inf, -inf or NaN
-- arguments: x (a double)
-- formula: CASE WHEN isfinite(x) THEN x END (DuckDB 2 returns inf for 1.0 / 1e-300 and for
--   overflowing powers; every ratio macro passes its result through this)
-- citation: lqcalc.metrics._safe.finite_or_null (the same rule on the polars side)
create or replace macro finite_or_null(x) as
    case when isfinite(cast(x as double)) then cast(x as double) end;
