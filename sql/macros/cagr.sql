-- cagr: compound annual growth rate
-- arguments: x0 (start value), x1 (end value), years (t1 - t0)
-- formula: (x1 / x0) ^ (1 / years) - 1; NULL when x0 <= 0, x1 < 0 or years <= 0
-- citation: indicators.md, "CAGR"; e.g. cagr(51, 650, 19) = 0.143 (Tongji knowledge-
--   economy circle 2005 -> 2024, paper 004)
create or replace macro cagr(x0, x1, years) as
    case
        when x0 > 0 and x1 >= 0 and years > 0
        then finite_or_null(pow(cast(x1 as double) / x0, 1.0 / years) - 1)
    end;
