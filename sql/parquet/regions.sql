-- regions: view over the Parquet output regions.parquet: specialization indices per region x year x measure
-- arguments: the DuckDB variable lqcalc_dir, the output directory
--   (SET VARIABLE lqcalc_dir = '/path/to/out'); when it is not set, the path is relative
--   to the working directory ('./regions.parquet'), so start duckdb inside the output directory
-- formula: none, the columns are documented in docs/outputs.md
-- citation: DuckDB read_parquet; the path is re-read at every query, never stored absolute
create or replace view regions as
with source as (
    select * from read_parquet(coalesce(getvariable('lqcalc_dir'), '.') || '/regions.parquet')
),

final as (
    select * from source
)

select * from final;
