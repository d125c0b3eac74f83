-- shift_share: growth and shift-share decomposition of every region x industry
--   between two years
-- arguments: tbl, a table or view with region, industry, year, measure, value
--   (regions only, leaf industries only; totals are sums as in lq_table);
--   y0 the start year, y1 the end year
-- formula: G = x1[R,*]/x0[R,*] - 1, g[R,i] = x1[R,i]/x0[R,i] - 1, g[r,i] = x1[r,i]/x0[r,i] - 1;
--   national_share = x0[r,i] G, industry_mix = x0[r,i] (g[R,i] - G),
--   regional_shift = x0[r,i] (g[r,i] - g[R,i]) (the three add up to x1 - x0);
--   em_competitive = e (g[r,i] - g[R,i]), em_allocation = (x0[r,i] - e)(g[r,i] - g[R,i]),
--   e = x0[r,*] x0[R,i] / x0[R,*]
-- citation: Dunn (1960); Esteban-Marquillas (1972), Regional and Urban Economics 2:249
-- example: select * from shift_share('my_counts', 2015, 2018) order by regional_shift desc
create or replace macro shift_share(tbl, y0, y1) as table
with cells as (
    select * from lq_table(tbl)
),

start_year as (
    select * from cells where year = y0
),

end_year as (
    select * from cells where year = y1
),

joined as (
    select
        s.region,
        s.industry,
        s.measure,
        s.value as x0,
        e.value as x1,
        s.region_total as x0_r,
        s.reference_value as x0_ref_i,
        s.reference_total as x0_ref,
        e.reference_value as x1_ref_i,
        e.reference_total as x1_ref,
        s.share_of_region as share0,
        e.share_of_region as share1,
        s.lq as lq0,
        e.lq as lq1
    from start_year as s
    inner join end_year as e
        on s.region = e.region and s.industry = e.industry and s.measure = e.measure
),

rates as (
    select
        *,
        growth(x0, x1) as g_ri,
        growth(x0_ref_i, x1_ref_i) as g_ref_i,
        growth(x0_ref, x1_ref) as g_ref
    from joined
),

final as (
    select
        region,
        industry,
        measure,
        y0 as start_year,
        y1 as end_year,
        x0 as start_value,
        x1 as end_value,
        change(x0, x1) as change,
        g_ri as growth,
        cagr(x0, x1, y1 - y0) as cagr,
        g_ref_i as reference_growth,
        g_ri - g_ref_i as relative_growth,
        share_change_pp(share0, share1) as share_change_pp,
        lq1 - lq0 as lq_change,
        ss_national_share(x0, g_ref) as national_share,
        ss_industry_mix(x0, g_ref_i, g_ref) as industry_mix,
        ss_regional_shift(x0, x1, g_ref_i) as regional_shift,
        em_competitive(x0_r, x0_ref_i, x0_ref, g_ri, g_ref_i) as em_competitive,
        em_allocation(x0, x0_r, x0_ref_i, x0_ref, g_ri, g_ref_i) as em_allocation
    from rates
)

select * from final;
