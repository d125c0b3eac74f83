-- proximity: co-occurrence, proximity and relatedness of every pair of two industries
-- arguments: tbl, the indicators table or a view of it (region, industry, year, measure,
--   region_level, is_leaf, lq); threshold (default 1.0), the LQ from which M[c,p] = 1
-- formula: one matrix per year x measure x region_level over the leaf industries;
--   cooccurrence C[p,q] = number of regions with M[c,p] = M[c,q] = 1; ubiquity k[p] = sum_c M[c,p];
--   proximity = C[p,q] / max(k[p], k[q]) (NULL when k[p] or k[q] is 0);
--   relatedness (EconGeo, method "prob") = C[p,q] / ((T/2) (S[p]/T S[q]/(T - S[p]) + S[q]/T S[p]/(T - S[q])))
--   with S[p] = sum_{q != p} C[p,q], T = sum_p S[p]; 0 where that is 0/0
-- citation: Hidalgo, Klinger, Barabasi & Hausmann (2007), Science 317:482 (py-ecomplexity
--   calc_discrete_proximity); Balland (2017) EconGeo relatedness(); Steijn (2017)
create or replace macro proximity(tbl, threshold := 1.0) as table
with cells as (
    select region, industry, year, measure, region_level, mcp(lq, threshold) as m
    from query_table(tbl)
    where is_leaf
),

industries as (
    select year, measure, region_level, industry, coalesce(sum(m), 0) as ubiquity
    from cells
    group by year, measure, region_level, industry
),

pairs as (
    select a.year, a.measure, a.region_level, a.industry, b.industry as industry_2
    from industries as a
    inner join industries as b
        on a.year is not distinct from b.year and a.measure = b.measure
        and a.region_level = b.region_level and a.industry <> b.industry
),

together as (
    select a.year, a.measure, a.region_level, a.industry, b.industry as industry_2, count(*) as n
    from cells as a
    inner join cells as b
        on a.region = b.region and a.year is not distinct from b.year and a.measure = b.measure
        and a.region_level = b.region_level and a.industry <> b.industry
    where a.m = 1 and b.m = 1
    group by all
),

counted as (
    select
        p.*,
        coalesce(t.n, 0) as cooccurrence,
        ka.ubiquity as k_a,
        kb.ubiquity as k_b
    from pairs as p
    left join together as t using (year, measure, region_level, industry, industry_2)
    inner join industries as ka
        on p.year is not distinct from ka.year and p.measure = ka.measure
        and p.region_level = ka.region_level and p.industry = ka.industry
    inner join industries as kb
        on p.year is not distinct from kb.year and p.measure = kb.measure
        and p.region_level = kb.region_level and p.industry_2 = kb.industry
),

sums as (
    select
        *,
        sum(cooccurrence) over (partition by year, measure, region_level, industry) as s_a,
        sum(cooccurrence) over (partition by year, measure, region_level, industry_2) as s_b,
        sum(cooccurrence) over (partition by year, measure, region_level) as t
    from counted
),

final as (
    select
        industry,
        industry_2,
        year,
        measure,
        region_level,
        cooccurrence,
        case when k_a > 0 and k_b > 0 then cooccurrence / greatest(k_a, k_b) end as proximity,
        coalesce(finite_or_null(
            cooccurrence / ((s_b / t * s_a / (t - s_b) + s_a / t * s_b / (t - s_a)) * (t / 2))
        ), 0) as relatedness
    from sums
)

select * from final;
