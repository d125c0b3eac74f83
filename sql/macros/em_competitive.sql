-- em_competitive: Esteban-Marquillas competitive effect (homothetic part of the shift)
-- arguments: x0_r, x0_ref_i, x0_ref (start-year totals, as in em_homothetic),
--            g_ri (growth of i in r), g_ref_i (reference growth of i)
-- formula: e * (g_ri - g_ref_i), e = x0_r * x0_ref_i / x0_ref
-- citation: Esteban-Marquillas (1972)
create or replace macro em_competitive(x0_r, x0_ref_i, x0_ref, g_ri, g_ref_i) as
    em_homothetic(x0_r, x0_ref_i, x0_ref) * (g_ri - g_ref_i);
