-- ss_national_share: shift-share national-share (national growth) component
-- arguments: x0_ri (start value of industry i in region r),
--            g_ref (growth of the reference all-industry total, x1[R,*]/x0[R,*] - 1)
-- formula: x0_ri * g_ref
-- citation: Dunn (1960) "A statistical and analytical technique for regional analysis";
--   the three components add up to x1_ri - x0_ri
create or replace macro ss_national_share(x0_ri, g_ref) as
    cast(x0_ri as double) * g_ref;
