-- lq_ci_high: upper bound of the confidence interval of a location quotient (counts only)
-- arguments: x_ri, x_r, x_ref_i, x_ref as in lq(); z the normal quantile (default 1.959963984540054,
--   95 %); scale the units per value (default 1; 10000 when values are in 万人)
-- formula: exp(ln LQ + z sqrt(Var / scale)), Var = lq_ln_var(...); NULL unless every value
--   times scale is a whole count and x_ri > 0, or when Var is NULL
-- citation: Moineddin, Beyene & Boyle (2003), Geographical Analysis 35:249;
--   e.g. lq_ci_high(100, 1000, 1000, 100000) = 11.9408
create or replace macro lq_ci_high(x_ri, x_r, x_ref_i, x_ref, z := 1.959963984540054, scale := 1.0) as
    case
        when x_ri > 0
             and is_whole_count(x_ri, scale) and is_whole_count(x_r, scale)
             and is_whole_count(x_ref_i, scale) and is_whole_count(x_ref, scale)
        then finite_or_null(exp(ln(lq(x_ri, x_r, x_ref_i, x_ref)) + z * sqrt(lq_ln_var(x_ri, x_r, x_ref_i, x_ref) / scale)))
    end;
