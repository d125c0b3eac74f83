-- is_whole_count: whether a value, scaled to single units, is a whole count
-- arguments: x (a value), scale (units per value: 1 for persons, 10000 for 万人)
-- formula: |frac(x * scale) - 0.5| >= 0.5 - 1e-6 (within 1e-6 of a whole number)
-- citation: the LQ confidence interval assumes multinomial counts (Moineddin et al. 2003)
create or replace macro is_whole_count(x, scale) as
    abs((cast(x as double) * scale) - floor(cast(x as double) * scale) - 0.5) >= 0.5 - 1e-6;
