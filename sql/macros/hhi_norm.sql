-- hhi_norm: normalized Herfindahl-Hirschman index, 0 (even) .. 1 (all in one unit)
-- arguments: h (an HHI, sum of squared shares), n (number of units)
-- formula: (H - 1/n) / (1 - 1/n); NULL when n <= 1
-- citation: REAT documentation (Doersam 2004): HHI(20, 50, 20, 10) = 0.34, normalized 0.12
create or replace macro hhi_norm(h, n) as
    case when n > 1 then (cast(h as double) - 1.0 / n) / (1 - 1.0 / n) end;
