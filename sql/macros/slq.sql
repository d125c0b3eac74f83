-- slq: symmetric location quotient, in (-1, 1), 0 where LQ = 1
-- arguments: lq (a location quotient, >= 0)
-- formula: SLQ = (LQ - 1) / (LQ + 1); NULL when lq is NULL or lq = -1
-- citation: Dalum, Laursen & Villumsen (1998) "Structural change in OECD export
--   specialisation patterns"; indicators.md, "symmetric LQ"
create or replace macro slq(lq) as
    finite_or_null((cast(lq as double) - 1) / nullif(cast(lq as double) + 1, 0));
