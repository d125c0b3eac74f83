-- lq_ln_var: approximate variance of ln(LQ) by the delta method (counts only)
-- arguments: x_ri, x_r, x_ref_i, x_ref as in lq()
-- formula: 1/x_ri - 1/x_r - 1/x_ref_i - 1/x_ref + 2 x_ri / (x_r x_ref_i); NULL when an input is 0
-- citation: Moineddin, Beyene & Boyle (2003), Geographical Analysis 35:249
create or replace macro lq_ln_var(x_ri, x_r, x_ref_i, x_ref) as
    1.0 / nullif(cast(x_ri as double), 0)
    - 1.0 / nullif(cast(x_r as double), 0)
    - 1.0 / nullif(cast(x_ref_i as double), 0)
    - 1.0 / nullif(cast(x_ref as double), 0)
    + 2.0 * x_ri / nullif(cast(x_r as double) * x_ref_i, 0);
