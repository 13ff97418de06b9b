-- Raw layer, run history: one row per pipeline or ingest run (warehouse/runs.py), and the data-quality
-- warnings each run raised. A run row is written when the run starts, in its own transaction, so a run
-- that was killed stays visible with no finished_at and no outcome.

create table if not exists raw_runs (
    run_id varchar primary key,
    command varchar not null,         -- e.g. "ingest" or "run"
    started_at timestamp not null,    -- UTC
    finished_at timestamp,            -- null while running, or when the process died
    inputs json,                      -- list of {"source": name or URL, "sha256": of its bytes, or null}
    outcome varchar,                  -- ok | failed | partial (some sources failed); null until finished
    message varchar
);

-- one row per warning a data-quality suite raised on a source during a run (expectations.gate)
create table if not exists raw_validation_warnings (
    run_id varchar not null,
    plan_id varchar,
    source_name varchar,
    expectation varchar,              -- the expectation's name in its suite, e.g. document_complete
    message varchar not null          -- e.g. "partial document: ends inside task 1.9"
);

-- runs: the run history, newest first; outcome 'unfinished' marks a run that never finished
create or replace view runs as
select
    r.run_id,
    r.command,
    r.started_at,
    r.finished_at,
    coalesce(r.outcome, 'unfinished') as outcome,
    r.message,
    r.inputs,
    (select count(*) from raw_validation_warnings as w where w.run_id = r.run_id) as warning_count,
from raw_runs as r
order by r.started_at desc;

-- validation_warnings: every recorded data-quality warning with its run, newest run first
create or replace view validation_warnings as
select w.run_id, r.started_at, w.plan_id, w.source_name, w.expectation, w.message,
from raw_validation_warnings as w
left join raw_runs as r on r.run_id = w.run_id
order by r.started_at desc, w.plan_id, w.source_name, w.expectation;
