-- eg_gamma: Ellison-Glaeser agglomeration index of an industry
-- arguments: g_raw = sum over regions of (s - x)^2 (s: region's share of the industry,
--   x: region's share of all industries), sum_x2 = sum over regions of x^2,
--   plant_hhi = plant-level Herfindahl index of the industry (needs establishment sizes)
-- formula: gamma = (G - (1 - sum x^2) H) / ((1 - sum x^2)(1 - H)); NULL when H = 1 or
--   sum x^2 = 1; in a GROUP BY: eg_gamma(sum((s - x) * (s - x)), sum(x * x), H)
-- citation: Ellison & Glaeser (1997), Journal of Political Economy 105(5):889-927;
--   shares (.9, .1) against (.5, .5) with H = 0.1 give 0.6
create or replace macro eg_gamma(g_raw, sum_x2, plant_hhi) as
    finite_or_null(
        (cast(g_raw as double) - (1 - cast(sum_x2 as double)) * plant_hhi)
        / nullif((1 - cast(sum_x2 as double)) * (1 - cast(plant_hhi as double)), 0)
    );
