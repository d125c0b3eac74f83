-- spatial: view over the Parquet output spatial.parquet: global Moran's I of LQ and growth per industry (--spatial)
-- arguments: the DuckDB variable lqcalc_dir, the output directory
--   (SET VARIABLE lqcalc_dir = '/path/to/out'); when it is not set, the path is relative
--   to the working directory ('./spatial.parquet'), so start duckdb inside the output directory
-- formula: none, the columns are documented in docs/outputs.md
-- citation: DuckDB read_parquet; the path is re-read at every query, never stored absolute
create or replace view spatial as
with source as (
    select * from read_parquet(coalesce(getvariable('lqcalc_dir'), '.') || '/spatial.parquet')
),

final as (
    select * from source
)

select * from final;
