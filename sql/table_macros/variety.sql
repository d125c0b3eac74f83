-- variety: related and unrelated variety of each region (Frenken, Van Oort & Verburg 2007)
-- arguments: tbl, a table or view with region, industry, year, measure, value (regions only,
--   leaf industries only); digits (default 2), the leading characters of an industry code
--   that name its group (SIC/NAICS 2-digit divisions of 4-digit classes)
-- formula: p = x[r,i]/x[r,*] (closed over the region's industries with a value),
--   P[g] = sum of p over the group g; unrelated_variety = -sum_i p log2 P[g(i)] (entropy
--   between groups), related_variety = -sum_i p log2 (p / P[g(i)]) (share-weighted entropy
--   within groups); they add up to the entropy; NULL when an industry with a value has a
--   code no longer than digits (no group)
-- citation: Frenken, Van Oort & Verburg (2007), Regional Studies 41:685
create or replace macro variety(tbl, digits := 2) as table
with cells as (
    select
        region,
        year,
        measure,
        cast(value as double) as value,
        left(cast(industry as varchar), digits) as industry_group,
        length(cast(industry as varchar)) > digits as has_group
    from query_table(tbl)
),

shares as (
    select
        *,
        share(value, sum(value) over region_group) as p,
        case when value is not null then
            share(sum(value) over (partition by region, year, measure, industry_group), sum(value) over region_group)
        end as group_p
    from cells
    window region_group as (partition by region, year, measure)
),

final as (
    select
        region,
        year,
        measure,
        case when bool_and(has_group or value is null) and count(p) > 0 then
            -sum(case when p > 0 then p * log2(group_p) when p is not null then 0 end)
        end as unrelated_variety,
        case when bool_and(has_group or value is null) and count(p) > 0 then
            -sum(case when p > 0 then p * log2(p / group_p) when p is not null then 0 end)
        end as related_variety
    from shares
    group by region, year, measure
)

select * from final;
