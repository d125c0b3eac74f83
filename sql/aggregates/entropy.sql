-- entropy: Shannon entropy of a distribution, in bits; aggregate form for GROUP BY
-- arguments: p (shares in the group, adding up to 1); shares of 0 contribute 0; NULL when
--   every share is NULL
-- formula: -sum(p log2 p)
-- citation: Frenken, Van Oort & Verburg (2007), Regional Studies 41:685
create or replace macro entropy(p) as
    -sum(case when p > 0 then cast(p as double) * log2(p) when p is not null then 0 end);
