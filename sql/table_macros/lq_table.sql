-- lq_table: location quotients and shares for every cell of a long table
-- arguments: tbl, the name of a table or view with columns region, industry, year,
--   measure, value; one row per cell, regions only (no reference row) and leaf
--   industries only (no total row): totals are sums, never taken across hierarchy levels
-- formula: x[r,*] = sum over industries, x[R,i] = sum over regions, x[R,*] = grand total;
--   lq = (x[r,i]/x[r,*]) / (x[R,i]/x[R,*]), slq = (lq-1)/(lq+1), shares as in share()
-- citation: indicators.md ("Concentration of an industry in a region")
-- example: select * from lq_table('my_counts') where lq >= 2
create or replace macro lq_table(tbl) as table
with source as (
    select
        cast(region as varchar) as region,
        cast(industry as varchar) as industry,
        year,
        measure,
        cast(value as double) as value
    from query_table(tbl)
),

totals as (
    select
        *,
        sum(value) over (partition by region, year, measure) as region_total,
        sum(value) over (partition by industry, year, measure) as reference_value,
        sum(value) over (partition by year, measure) as reference_total
    from source
),

final as (
    select
        region,
        industry,
        year,
        measure,
        value,
        region_total,
        reference_value,
        reference_total,
        lq(value, region_total, reference_value, reference_total) as lq,
        slq(lq(value, region_total, reference_value, reference_total)) as slq,
        share(value, region_total) as share_of_region,
        share(value, reference_value) as share_of_reference
    from totals
)

select * from final;
