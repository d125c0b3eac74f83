-- change: absolute change between two years
-- arguments: x0 (value in the start year), x1 (value in the end year)
-- formula: x1 - x0; NULL when either is NULL
-- citation: indicators.md, "Growth"
create or replace macro change(x0, x1) as
    cast(x1 as double) - cast(x0 as double);
