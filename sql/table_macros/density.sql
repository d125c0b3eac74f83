-- density: how much of what a region is specialised in surrounds each industry
-- arguments: tbl, the indicators table or a view of it (region, industry, year, measure,
--   region_level, is_leaf, lq); threshold (default 1.0), the LQ from which M[c,p] = 1
-- formula: with the pairs of proximity(tbl, threshold) and phi[p,p] = 1 for an industry with
--   a specialised region: density = sum_q M[c,q] phi[p,q] / sum_q phi[p,q] (0-1, the sums include
--   q = p; NULL for an industry no region is specialised in);
--   relatedness_density = 100 sum_q M[c,q] R[q,p] / sum_q R[q,p] (0-100, R the EconGeo
--   relatedness, R[p,p] = 0; NULL when the sum of R is 0)
-- citation: Hidalgo et al. (2007) (py-ecomplexity calc_density); Boschma, Balland & Kogler
--   (2015), Industrial and Corporate Change 24:223 (EconGeo relatedness_density)
create or replace macro density(tbl, threshold := 1.0) as table
with cells as (
    select region, industry, year, measure, region_level, mcp(lq, threshold) as mcp
    from query_table(tbl)
    where is_leaf
),

pairs as (
    select industry, industry_2, year, measure, region_level, coalesce(proximity, 0) as phi, relatedness
    from proximity(tbl, threshold := threshold)
),

ubiquity as (
    select year, measure, region_level, industry, coalesce(sum(mcp), 0) as k
    from cells
    group by all
),

weights as (
    -- every industry q around industry p, p itself included with phi = 1 and R = 0
    select industry, industry_2, year, measure, region_level, phi, relatedness from pairs
    union all
    select industry, industry as industry_2, year, measure, region_level, 1.0 as phi, 0.0 as relatedness
    from ubiquity
    where k > 0
),

totals as (
    select year, measure, region_level, industry, sum(phi) as phi_total, sum(relatedness) as r_total
    from weights
    group by all
),

present as (
    select c.region, w.industry, c.year, c.measure, c.region_level,
        sum(w.phi) as phi_present, sum(w.relatedness) as r_present
    from cells as c
    inner join weights as w
        on c.industry = w.industry_2 and c.year is not distinct from w.year and c.measure = w.measure
        and c.region_level = w.region_level
    where c.mcp = 1
    group by all
),

final as (
    select
        c.region,
        c.industry,
        c.year,
        c.measure,
        c.region_level,
        c.mcp,
        case when u.k > 0 then coalesce(p.phi_present, 0) / t.phi_total end as density,
        100 * finite_or_null(coalesce(p.r_present, 0) / nullif(t.r_total, 0)) as relatedness_density
    from cells as c
    left join ubiquity as u
        on c.year is not distinct from u.year and c.measure = u.measure
        and c.region_level = u.region_level and c.industry = u.industry
    left join totals as t
        on c.year is not distinct from t.year and c.measure = t.measure
        and c.region_level = t.region_level and c.industry = t.industry
    left join present as p
        on c.region = p.region and c.year is not distinct from p.year and c.measure = p.measure
        and c.region_level = p.region_level and c.industry = p.industry
)

select * from final;
