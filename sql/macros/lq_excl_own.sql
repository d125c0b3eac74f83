-- lq_excl_own: location quotient against the reference economy WITHOUT region r itself
-- (for large regions that weigh on the reference, e.g. Guangdong in China)
-- arguments: x_ri, x_r, x_ref_i, x_ref as in lq() (x_Ri, x_R of the notation)
-- formula: (x_ri / x_r) / ((x_ref_i - x_ri) / (x_ref - x_r)); NULL unless both remainders
--   are positive (the region is not the whole reference)
-- citation: indicators.md, "LQ excluding own region"; e.g. lq_excl_own(20, 100, 40, 300) = 2
create or replace macro lq_excl_own(x_ri, x_r, x_ref_i, x_ref) as
    case
        when cast(x_ref_i as double) - x_ri > 0 and cast(x_ref as double) - x_r > 0
        then lq(x_ri, x_r, cast(x_ref_i as double) - x_ri, cast(x_ref as double) - x_r)
    end;
