-- Raw layer: the only tables ipplans writes. Every other object is a view over these
-- (10_stg_* staging views, 30_* core views with the documented public names, 40_rpt_* report views).
-- Python writes here only through warehouse/load.py, inside one transaction per load.

-- one row per input file or page, as given on the command line or fetched
create table if not exists raw_sources (
    source_name varchar primary key,  -- the input file name as given
    location varchar not null,        -- path or URL it was read from
    plan_id varchar not null,
    sha256 varchar not null,          -- of the raw bytes
    format varchar not null,          -- md | txt | html | docx | pdf
    encoding varchar,
    script varchar,                   -- simplified | traditional
    title varchar,
    doc_number varchar,
    issued_on date,
    issuer varchar,
    addressees varchar[],
    task_count integer not null,
    complete boolean not null,        -- no task of this copy is cut short
    period_start integer not null,
    period_end integer not null,
    notes varchar[],                  -- text after department clauses: rules, footers
    normalized_text varchar,
    loaded_at timestamp not null
);

-- one row per plan (a period); merged from all its sources
create table if not exists raw_plans (
    plan_id varchar primary key,      -- "2020" or "2021-2022"
    period_start integer not null,
    period_end integer not null,
    title varchar,
    doc_number varchar,
    issued_on date,
    issuer varchar,
    addressees varchar[],
    complete boolean not null,
    notes varchar[]
);

-- sections as each copy prints them
create table if not exists raw_source_sections (
    source_name varchar not null,
    plan_id varchar not null,
    section_path varchar not null,    -- "2" or "2.1"
    level integer not null,
    number varchar not null,          -- as printed: 二 or （一）
    title varchar not null,
    primary key (source_name, section_path)
);

-- every task of every source, exactly as parsed from that copy
create table if not exists raw_source_tasks (
    source_name varchar not null,
    plan_id varchar not null,
    task_key varchar not null,
    task_no integer not null,
    printed_no varchar not null,
    position integer not null,
    section_path varchar not null,
    text varchar not null,
    original_text varchar not null,
    department_clause varchar,
    departments varchar[] not null,
    clause_form varchar,
    cited_titles varchar[] not null,
    key_task boolean not null,
    truncated boolean not null,
    primary key (source_name, task_key)
);

-- the plan's tasks, merged across its copies (the most complete copy of each task wins)
create table if not exists raw_tasks (
    plan_id varchar not null,
    task_key varchar not null,
    task_no integer not null,
    printed_no varchar not null,
    position integer not null,
    section_path varchar not null,
    text varchar not null,
    original_text varchar not null,
    department_clause varchar,
    departments varchar[] not null,
    clause_form varchar,
    cited_titles varchar[] not null,
    key_task boolean not null,
    truncated boolean not null,
    from_source varchar not null,     -- which copy this row was taken from
    primary key (plan_id, task_key)
);

-- where two copies of one plan read differently (truncation aside)
create table if not exists raw_source_differences (
    plan_id varchar not null,
    task_key varchar not null,
    source_a varchar not null,
    source_b varchar not null,
    text_a varchar not null,
    text_b varchar not null,
    diff varchar not null             -- compact character diff: [-removed-]{+added+}
);
