-- proximity: view over the Parquet output proximity.parquet: co-occurrence, proximity and relatedness of industry pairs (--complexity)
-- arguments: the DuckDB variable lqcalc_dir, the output directory
--   (SET VARIABLE lqcalc_dir = '/path/to/out'); when it is not set, the path is relative
--   to the working directory ('./proximity.parquet'), so start duckdb inside the output directory
-- formula: none, the columns are documented in docs/outputs.md
-- citation: DuckDB read_parquet; the path is re-read at every query, never stored absolute
create or replace view proximity as
with source as (
    select * from read_parquet(coalesce(getvariable('lqcalc_dir'), '.') || '/proximity.parquet')
),

final as (
    select * from source
)

select * from final;
