-- lq: location quotient of industry i in region r against the reference economy R
-- arguments: x_ri (value of i in r), x_r (all-industry total of r),
--            x_ref_i (reference value of i), x_ref (reference all-industry total)
-- formula: LQ = (x_ri / x_r) / (x_ref_i / x_ref); NULL when a denominator is 0 or an input is NULL
-- citation: Isard (1960); REAT documentation (Farhauer & Kroell 2013):
--   lq(1714, 79006, 879213, 15593224) = 0.3847623
create or replace macro lq(x_ri, x_r, x_ref_i, x_ref) as
    finite_or_null(
        (cast(x_ri as double) / nullif(cast(x_r as double), 0))
        / nullif(cast(x_ref_i as double) / nullif(cast(x_ref as double), 0), 0)
    );
