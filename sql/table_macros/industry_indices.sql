-- industry_indices: geographic concentration indices of each industry (over regions)
-- arguments: tbl, a table or view with region, industry, year, measure, value
--   (regions only, leaf industries only; totals are sums as in lq_table)
-- formula: s = x[r,i]/x[R,i] (region's share of the industry), x = x[r,*]/x[R,*]
--   (region's share of the economy), both closed over the regions that have a value for the
--   industry, as in lqcalc.metrics; hhi = sum s^2, hhi_norm with n regions with a value,
--   hoover_loc = 1/2 sum |s - x|, krugman_conc = sum |s - x|,
--   gini_loc = 1 - sum (X[k] - X[k-1]) (Y[k] + Y[k-1]) over regions ordered by LQ = s/x
--   ascending (X, Y cumulative x and s: the locational Lorenz curve), cr4 = sum of the 4
--   largest s
-- citation: indicators.md; Krugman (1991) "Geography and Trade" (locational Gini);
--   Hoover (1936)
create or replace macro industry_indices(tbl) as table
with cells as (
    select * from lq_table(tbl)
),

shares as (
    select
        region,
        industry,
        year,
        measure,
        value,
        share(value, sum(value) over industry_group) as s,
        share(
            case when value is not null then region_total end,
            sum(case when value is not null then region_total end) over industry_group
        ) as x
    from cells
    window industry_group as (partition by industry, year, measure)
),

lorenz as (
    select
        *,
        sum(x) over cumulative as cum_x,
        sum(s) over cumulative as cum_s,
        row_number() over (
            partition by industry, year, measure order by s desc nulls last, region
        ) as size_rank
    from shares
    window cumulative as (
        partition by industry, year, measure
        order by share(s, x) asc nulls last, region
        rows between unbounded preceding and current row
    )
),

final as (
    select
        industry,
        year,
        measure,
        hhi(s) as hhi,
        hhi_norm(hhi(s), count(value)) as hhi_norm,
        hoover(s, x) as hoover_loc,
        krugman(s, x) as krugman_conc,
        1 - sum(x * (2 * cum_s - s)) as gini_loc,
        sum(s) filter (where size_rank <= 4) as cr4,
        count(value) as n_regions
    from lorenz
    group by industry, year, measure
)

select * from final;
