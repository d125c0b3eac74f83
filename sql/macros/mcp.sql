-- mcp: binary specialisation M[c,p] of a region in an industry (Balassa RCA = the LQ)
-- arguments: lq (the location quotient), threshold (default 1.0)
-- formula: 1 when lq >= threshold, 0 when below; NULL when lq is NULL
-- citation: Balassa (1965); Hidalgo et al. (2007), Science 317:482; py-ecomplexity (RCA >= 1)
--   e.g. mcp(1.0) = 1, mcp(0.99) = 0
create or replace macro mcp(lq, threshold := 1.0) as
    case when lq is null then null when lq >= threshold then 1 else 0 end;
