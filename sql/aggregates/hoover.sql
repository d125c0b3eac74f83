-- hoover: Hoover coefficient (half the Krugman index); aggregate form for GROUP BY
--   per industry over regions = localization, per region over industries = specialization
-- arguments: p (shares of the unit), q (reference shares)
-- formula: 1/2 sum(abs(p - q)), range 0..1
-- citation: Hoover (1936), Quarterly Journal of Economics 51:162
create or replace macro hoover(p, q) as
    0.5 * sum(abs(cast(p as double) - q));
