-- relatedness: view over the Parquet output relatedness.parquet: M_cp, density and relatedness density per region x industry (--complexity)
-- arguments: the DuckDB variable lqcalc_dir, the output directory
--   (SET VARIABLE lqcalc_dir = '/path/to/out'); when it is not set, the path is relative
--   to the working directory ('./relatedness.parquet'), so start duckdb inside the output directory
-- formula: none, the columns are documented in docs/outputs.md
-- citation: DuckDB read_parquet; the path is re-read at every query, never stored absolute
create or replace view relatedness as
with source as (
    select * from read_parquet(coalesce(getvariable('lqcalc_dir'), '.') || '/relatedness.parquet')
),

final as (
    select * from source
)

select * from final;
