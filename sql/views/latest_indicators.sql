-- latest_indicators: the indicators of the most recent year of each measure
-- arguments: none (reads the table indicators stored in lqcalc.duckdb)
-- formula: rows of indicators whose year is the largest year of their measure
--   (rows without a year are kept: their table has a single period)
-- citation: docs/outputs.md (indicators)
create or replace view latest_indicators as
with indicators_rows as (
    select * from indicators
),

latest as (
    select measure, max(year) as year
    from indicators_rows
    group by measure
),

final as (
    select i.*
    from indicators_rows as i
    inner join latest as l
        on i.measure = l.measure and (i.year = l.year or (i.year is null and l.year is null))
)

select * from final;
