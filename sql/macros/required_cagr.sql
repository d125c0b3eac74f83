-- required_cagr: the yearly growth rate needed to reach a target
-- arguments: x (value now), target (value to reach), years (T - t, years left)
-- formula: (target / x) ^ (1 / years) - 1; NULL when x <= 0, target < 0 or years <= 0
-- citation: indicators.md, "required CAGR to a target" (Shenzhen digital creative
--   value added over 1000 (100 million yuan) by 2025, paper 003)
create or replace macro required_cagr(x, target, years) as
    case
        when x > 0 and target >= 0 and years > 0
        then finite_or_null(pow(cast(target as double) / x, 1.0 / years) - 1)
    end;
