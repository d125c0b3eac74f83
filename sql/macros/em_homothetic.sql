-- em_homothetic: Esteban-Marquillas homothetic value of industry i in region r
-- arguments: x0_r (region total, start year), x0_ref_i (reference value of i, start year),
--            x0_ref (reference total, start year)
-- formula: e = x0_r * x0_ref_i / x0_ref; NULL when x0_ref is 0
-- citation: Esteban-Marquillas (1972), Regional and Urban Economics 2:249
create or replace macro em_homothetic(x0_r, x0_ref_i, x0_ref) as
    cast(x0_r as double) * finite_or_null(cast(x0_ref_i as double) / nullif(cast(x0_ref as double), 0));
