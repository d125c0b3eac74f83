-- ss_regional_shift: shift-share regional (competitive, differential) shift
-- arguments: x0_ri (start value), g_ri (growth of i in r), g_ref_i (reference growth of i)
-- formula: x0_ri * (g_ri - g_ref_i)
-- citation: Dunn (1960)
create or replace macro ss_regional_shift(x0_ri, g_ri, g_ref_i) as
    cast(x0_ri as double) * (g_ri - g_ref_i);
