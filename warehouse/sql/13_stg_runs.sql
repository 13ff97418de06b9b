-- Staging, run history: one view per raw table of 07_raw_runs.sql, as stored.

-- one row per pipeline, ingest or remove run
create or replace view stg_runs as
select * from raw_runs;

-- one row per data-quality warning a run raised
create or replace view stg_validation_warnings as
select * from raw_validation_warnings;
