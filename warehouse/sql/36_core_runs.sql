-- Core: the run history (written by warehouse/runs.py).

-- runs: one row per run (run, ingest, remove), newest first; outcome 'unfinished' marks a run that never finished
create or replace view runs as
select
    r.run_id,
    r.command,
    r.started_at,
    r.finished_at,
    coalesce(r.outcome, 'unfinished') as outcome,
    r.message,
    r.inputs,
    (select count(*) from stg_validation_warnings as w where w.run_id = r.run_id) as warning_count,
from stg_runs as r
order by r.started_at desc;

-- validation_warnings: one row per recorded data-quality warning with its run, newest run first
create or replace view validation_warnings as
select w.run_id, r.started_at, w.plan_id, w.source_name, w.expectation, w.message,
from stg_validation_warnings as w
left join stg_runs as r on r.run_id = w.run_id
order by r.started_at desc, w.plan_id, w.source_name, w.expectation;
