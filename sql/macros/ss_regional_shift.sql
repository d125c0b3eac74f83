-- ss_regional_shift: shift-share regional (competitive, differential) shift
-- arguments: x0_ri (start value), x1_ri (end value), g_ref_i (reference growth of i)
-- formula: x0_ri (g_ri - g_ref_i), computed as (x1_ri - x0_ri) - x0_ri g_ref_i, which is the
--   same and stays defined when x0_ri = 0 (an industry new to the region: the whole change is
--   regional shift); with ss_national_share and ss_industry_mix it adds up to x1_ri - x0_ri
-- citation: Dunn (1960) "A statistical and analytical technique for regional analysis"
create or replace macro ss_regional_shift(x0_ri, x1_ri, g_ref_i) as
    (cast(x1_ri as double) - x0_ri) - cast(x0_ri as double) * g_ref_i;
