-- Staging: one view per raw table, renaming and deriving nothing but simple columns.

-- one row per plan (period)
create or replace view stg_plans as
select
    plan_id,
    period_start,
    period_end,
    title,
    doc_number,
    issued_on,
    issuer,
    coalesce(addressees, []::varchar[]) as addressees,
    complete as is_complete,
    coalesce(notes, []::varchar[]) as notes,
from raw_plans;

-- one row per input file or page
create or replace view stg_sources as
select
    source_name,
    plan_id,
    sha256,
    format,
    location,
    encoding,
    script,
    task_count,
    complete as is_complete,
    loaded_at,
from raw_sources;

-- one row per task of a plan, merged across copies
create or replace view stg_tasks as
select
    plan_id,
    task_key,
    task_no,
    printed_no,
    position,
    section_path,
    text,
    original_text,
    department_clause,
    departments,
    clause_form,
    cited_titles,
    key_task as is_key_task,
    truncated as is_truncated,
    from_source,
from raw_tasks;

-- one row per section of a plan, as the copy whose structure the plan has prints it; a plan loaded
-- before raw_sections existed falls back to the first copy (by name) that prints the section
create or replace view stg_sections as
select plan_id, section_path, level, number, title,
from raw_sections
union all
select * from (
    select distinct on (plan_id, section_path) plan_id, section_path, level, number, title,
    from raw_source_sections
    where plan_id not in (select plan_id from raw_sections)
    order by plan_id, section_path, source_name
);

-- one row per task of every copy, as parsed from that copy
create or replace view stg_source_tasks as
select * from raw_source_tasks;

-- one row per section as each copy prints it
create or replace view stg_source_sections as
select * from raw_source_sections;

-- one row per task where two copies of a plan read differently
create or replace view stg_source_differences as
select * from raw_source_differences;
