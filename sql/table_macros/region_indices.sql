-- region_indices: specialization indices of each region (over its industries)
-- arguments: tbl, a table or view with region, industry, year, measure, value
--   (regions only, leaf industries only; totals are sums as in lq_table)
-- formula: p = x[r,i]/x[r,*], q = x[R,i]/x[R,*] (both closed over the industries the region
--   has a value for, as in lqcalc.metrics); hhi = sum p^2,
--   hhi_norm = (hhi - 1/n)/(1 - 1/n), entropy = -sum p log2 p,
--   krugman_spec = sum |p - q|, hoover_spec = 1/2 sum |p - q|, n = industries with a value
-- citation: indicators.md ("specialization (per region)"); Krugman (1991); Hoover (1936);
--   Frenken, Van Oort & Verburg (2007)
create or replace macro region_indices(tbl) as table
with cells as (
    select * from lq_table(tbl)
),

shares as (
    select
        region,
        year,
        measure,
        value,
        share(value, sum(value) over region_group) as p,
        share(
            case when value is not null then reference_value end,
            sum(case when value is not null then reference_value end) over region_group
        ) as q
    from cells
    window region_group as (partition by region, year, measure)
),

final as (
    select
        region,
        year,
        measure,
        hhi(p) as hhi,
        hhi_norm(hhi(p), count(value)) as hhi_norm,
        entropy(p) as entropy,
        krugman(p, q) as krugman_spec,
        hoover(p, q) as hoover_spec,
        count(value) as n_industries
    from shares
    group by region, year, measure
)

select * from final;
