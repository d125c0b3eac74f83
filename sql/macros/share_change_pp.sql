-- share_change_pp: change of a share in percentage points
-- arguments: s0 (share in the start year, a fraction), s1 (share in the end year)
-- formula: 100 * (s1 - s0)
-- citation: indicators.md, "share change"
create or replace macro share_change_pp(s0, s1) as
    100.0 * (cast(s1 as double) - cast(s0 as double));
