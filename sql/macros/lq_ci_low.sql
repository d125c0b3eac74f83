-- lq_ci_low: lower bound of the confidence interval of a location quotient
-- arguments: x_ri, x_r, x_ref_i, x_ref as in lq(); z the normal quantile (1.959964 for 95 %)
-- formula: exp(ln LQ - z sqrt(Var)), Var = lq_ln_var(...); NULL when LQ <= 0 or Var < 0
-- citation: Moineddin, Beyene & Boyle (2003), Geographical Analysis 35:249
create or replace macro lq_ci_low(x_ri, x_r, x_ref_i, x_ref, z) as
    case
        when lq(x_ri, x_r, x_ref_i, x_ref) > 0 and lq_ln_var(x_ri, x_r, x_ref_i, x_ref) >= 0
        then exp(ln(lq(x_ri, x_r, x_ref_i, x_ref)) - z * sqrt(lq_ln_var(x_ri, x_r, x_ref_i, x_ref)))
    end;
