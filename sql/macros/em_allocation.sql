-- em_allocation: Esteban-Marquillas allocation effect (specialization x advantage)
-- arguments: x0_ri (start value), x0_r, x0_ref_i, x0_ref (start-year totals),
--            g_ri (growth of i in r), g_ref_i (reference growth of i)
-- formula: (x0_ri - e) * (g_ri - g_ref_i), e = x0_r * x0_ref_i / x0_ref;
--   em_competitive + em_allocation = ss_regional_shift (when x0_ri > 0)
-- citation: Esteban-Marquillas (1972)
create or replace macro em_allocation(x0_ri, x0_r, x0_ref_i, x0_ref, g_ri, g_ref_i) as
    (cast(x0_ri as double) - em_homothetic(x0_r, x0_ref_i, x0_ref)) * (g_ri - g_ref_i);
