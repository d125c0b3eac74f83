-- lq_ln_var: approximate variance of ln(LQ) by the delta method (counts only)
-- arguments: x_ri, x_r, x_ref_i, x_ref as in lq() (x_Ri, x_R of the notation)
-- formula: 1/x_ri - 1/x_r - 1/x_ref_i - 1/x_ref + 2 x_ri / (x_r x_ref_i);
--   NULL when an input is 0 or NULL, or when the variance is not positive
-- citation: Moineddin, Beyene & Boyle (2003), Geographical Analysis 35:249;
--   e.g. lq_ln_var(100, 1000, 1000, 100000) = 0.00819
create or replace macro lq_ln_var(x_ri, x_r, x_ref_i, x_ref) as
    case
        when 1.0 / nullif(cast(x_ri as double), 0)
             - 1.0 / nullif(cast(x_r as double), 0)
             - 1.0 / nullif(cast(x_ref_i as double), 0)
             - 1.0 / nullif(cast(x_ref as double), 0)
             + 2.0 * x_ri / nullif(cast(x_r as double) * x_ref_i, 0) > 0
        then 1.0 / nullif(cast(x_ri as double), 0)
             - 1.0 / nullif(cast(x_r as double), 0)
             - 1.0 / nullif(cast(x_ref_i as double), 0)
             - 1.0 / nullif(cast(x_ref as double), 0)
             + 2.0 * x_ri / nullif(cast(x_r as double) * x_ref_i, 0)
    end;
