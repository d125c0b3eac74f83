-- share: part of a whole, e.g. an industry's share of its region (x[r,i]/x[r,*])
-- or a region's share of the reference industry (x[r,i]/x[R,i]).
-- arguments: part, whole
-- formula: part / whole; NULL when whole is 0 or either argument is NULL (never inf)
-- citation: docs/methodology (indicators.md, "share of region", "share of reference");
--   e.g. share(150, 367) = 0.409 (40.9% of export firms, paper 004 note 28)
create or replace macro share(part, whole) as
    finite_or_null(cast(part as double) / nullif(cast(whole as double), 0));
