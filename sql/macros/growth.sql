-- growth: relative growth between two years
-- arguments: x0 (value in the start year), x1 (value in the end year)
-- formula: x1 / x0 - 1; NULL when x0 is 0 (growth from a zero base is undefined)
-- citation: indicators.md, "Growth"; e.g. growth(3.60, 4.47) = 0.2417 (Japan's S&T
--   budget 2010 -> 2022, paper 002)
create or replace macro growth(x0, x1) as
    finite_or_null(cast(x1 as double) / nullif(cast(x0 as double), 0) - 1);
