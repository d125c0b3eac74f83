-- examples.sql: questions analysts ask of an lqcalc output, in DuckDB SQL.
-- Run one with:   lqcalc sql OUT --example 1        (lqcalc sql OUT --list-examples lists them)
-- or open the database:   duckdb -readonly OUT/lqcalc.duckdb   and paste a query.
-- The queries use the tables stored in lqcalc.duckdb (indicators, growth, ...) and the
-- macros shipped with it (lq, share, cagr, ...). Each query ends with a line holding ';'.
-- Variables (optional): SET VARIABLE region = '440000';  SET VARIABLE min_value = 1000;
-- or on the command line: lqcalc sql OUT --example 3 --var region=440000


-- 1. The strongest clusters of each industry: the five regions with the highest LQ in
--    the latest year, among cells with at least min_value (default 100) of the measure.
with latest as (
    select * from latest_indicators
    where lq is not null
      and value >= coalesce(getvariable('min_value'), 100)
),

ranked as (
    select
        industry,
        industry_name,
        region,
        region_name,
        year,
        measure,
        value,
        round(lq, 3) as lq,
        row_number() over (partition by industry, measure order by lq desc, region) as rank_in_industry
    from latest
),

final as (
    select * from ranked
    where rank_in_industry <= 5
    order by industry, measure, rank_in_industry
)

select * from final
;


-- 2. Specialized and catching up: regions with LQ >= 2 in the end year whose industry
--    grew faster than the same industry in the reference economy.
with growth_rows as (
    select * from growth
    where relative_growth > 0 and period = 'total'
),

concentrated as (
    select * from indicators
    where lq >= 2
),

final as (
    select
        c.region,
        c.region_name,
        c.industry,
        c.industry_name,
        c.measure,
        g.start_year,
        g.end_year,
        round(c.lq, 3) as lq,
        round(g.growth, 4) as growth,
        round(g.reference_growth, 4) as reference_growth,
        round(g.relative_growth, 4) as relative_growth
    from concentrated as c
    inner join growth_rows as g
        on c.region = g.region
        and c.industry = g.industry
        and c.measure = g.measure
        and c.year = g.end_year
    order by g.relative_growth desc
)

select * from final
;


-- 3. One region's LQ over time, industry by industry (a province, a state, a NUTS2
--    region): SET VARIABLE region = '440000'; defaults to the first region code.
with chosen as (
    select coalesce(getvariable('region'), (select min(region) from indicators)) as region
),

series as (
    select i.region, i.region_name, i.industry, i.industry_name, i.measure, i.year, i.lq
    from indicators as i
    inner join chosen as c on i.region = c.region
    where i.lq is not null
),

final as (
    select
        *,
        lq - lag(lq) over (partition by industry, measure order by year) as lq_change_from_previous_year
    from series
    order by industry, measure, year
)

select * from final
;


-- 4. Districts against their city: each lower-level region's LQ (against the reference
--    economy) next to its parent's LQ, and lq_parent, its LQ against the parent itself.
--    The parent is parent_region (from --region-hierarchy or the administrative codes);
--    without one it is taken from the code: Chinese administrative codes (110105 -> 110100
--    for a district, 110100 -> 110000 for a city) and NUTS codes (UKI3 -> UKI).
with cells as (
    select * from indicators
    where lq is not null
),

with_parent as (
    select
        *,
        coalesce(
            parent_region,
            case
                when regexp_matches(region, '^[0-9]{6}$') and right(region, 2) <> '00'
                    then left(region, 4) || '00'
                when regexp_matches(region, '^[0-9]{6}$') and right(region, 4) <> '0000'
                    then left(region, 2) || '0000'
                when regexp_matches(region, '^[A-Z]{2}[A-Z0-9]{2,3}$')
                    then left(region, length(region) - 1)
            end
        ) as parent
    from cells
),

final as (
    select
        c.parent,
        p.region_name as parent_name,
        c.region,
        c.region_name,
        c.industry,
        c.industry_name,
        c.year,
        c.measure,
        round(c.lq, 3) as lq,
        round(p.lq, 3) as parent_lq,
        round(c.lq_parent, 3) as lq_against_parent
    from with_parent as c
    inner join cells as p
        on p.region = c.parent
        and p.industry = c.industry
        and p.measure = c.measure
        and p.year is not distinct from c.year
    order by c.parent, c.industry, c.year, c.lq_parent desc nulls last
)

select * from final
;


-- 5. Where growth came from: shift-share components per region, summed over its leaf
--    industries (the all-industry row and parent codes would count twice), largest
--    regional (competitive) shift first.
with leaf_cells as (
    select distinct region, industry, measure from indicators
    where is_leaf
),

growth_rows as (
    select g.*
    from growth as g
    inner join leaf_cells as l
        on l.region = g.region and l.industry = g.industry and l.measure = g.measure
    where not g.is_total_industry and g.period = 'total'
),

final as (
    select
        region,
        measure,
        min(start_year) as start_year,
        max(end_year) as end_year,
        sum(change) as change,
        sum(national_share) as national_share,
        sum(industry_mix) as industry_mix,
        sum(regional_shift) as regional_shift
    from growth_rows
    group by region, measure
    order by regional_shift desc nulls last
)

select * from final
;


-- 6. A target: the yearly growth each region's industry needs to double its latest value
--    in five years, next to the growth it has shown (CAGR).
with latest as (
    select region, industry, measure, year, value from latest_indicators
    where value > 0
),

final as (
    select
        l.region,
        l.industry,
        l.measure,
        l.year,
        l.value,
        round(required_cagr(l.value, 2 * l.value, 5), 4) as required_cagr,
        round(g.cagr, 4) as cagr_so_far
    from latest as l
    left join growth as g
        on g.region = l.region and g.industry = l.industry and g.measure = l.measure
        and g.period = 'total'
    order by l.region, l.industry
)

select * from final
;
