-- lq_excl_own: location quotient against the reference economy WITHOUT region r itself
-- (for large regions that weigh on the reference, e.g. Guangdong in China)
-- arguments: x_ri, x_r, x_ref_i, x_ref as in lq()
-- formula: (x_ri / x_r) / ((x_ref_i - x_ri) / (x_ref - x_r)); NULL on a zero denominator
-- citation: indicators.md, "LQ excluding own region"
create or replace macro lq_excl_own(x_ri, x_r, x_ref_i, x_ref) as
    (cast(x_ri as double) / nullif(cast(x_r as double), 0))
    / nullif((cast(x_ref_i as double) - x_ri) / nullif(cast(x_ref as double) - x_r, 0), 0);
