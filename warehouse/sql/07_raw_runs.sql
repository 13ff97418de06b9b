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
