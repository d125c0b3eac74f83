-- ss_industry_mix: shift-share industry-mix (proportional) component
-- arguments: x0_ri (start value), g_ref_i (reference growth of industry i),
--            g_ref (reference all-industry growth)
-- formula: x0_ri * (g_ref_i - g_ref)
-- citation: Dunn (1960)
create or replace macro ss_industry_mix(x0_ri, g_ref_i, g_ref) as
    cast(x0_ri as double) * (g_ref_i - g_ref);
