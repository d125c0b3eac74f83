-- intensity: view over the Parquet output intensity.parquet: ratios of two measures of the same region and year (--intensity A/B)
-- arguments: the DuckDB variable lqcalc_dir, the output directory
--   (SET VARIABLE lqcalc_dir = '/path/to/out'); when it is not set, the path is relative
--   to the working directory ('./intensity.parquet'), so start duckdb inside the output directory
-- formula: none, the columns are documented in docs/outputs.md
-- citation: DuckDB read_parquet; the path is re-read at every query, never stored absolute
create or replace view intensity as
with source as (
    select * from read_parquet(coalesce(getvariable('lqcalc_dir'), '.') || '/intensity.parquet')
),

final as (
    select * from source
)

select * from final;
