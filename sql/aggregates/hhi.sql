-- hhi: Herfindahl-Hirschman index, an aggregate form to use with GROUP BY
-- arguments: p (shares of the units in the group, adding up to 1)
-- formula: H = sum(p^2); the equivalent number of equal units is 1/H
-- citation: REAT documentation (Doersam 2004): shares (.2, .5, .2, .1) give H = 0.34
-- example: select region, hhi(share(value, region_total)) from indicators group by region
create or replace macro hhi(p) as
    sum(cast(p as double) * p);
