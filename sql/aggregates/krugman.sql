-- krugman: Krugman dissimilarity index; aggregate form for GROUP BY
--   per region over industries = specialization, per industry over regions = concentration
-- arguments: p (shares of the unit), q (reference shares)
-- formula: sum(abs(p - q)), range 0..2
-- citation: Krugman (1991) "Geography and Trade"; REAT documentation:
--   p = (.2, .1, .7, 0, 0), q = (0, 0, 0, .6, .4) give 2
create or replace macro krugman(p, q) as
    sum(abs(cast(p as double) - q));
