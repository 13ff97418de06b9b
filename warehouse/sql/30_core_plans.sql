-- Core: the documented public views. Column names here are the project's contract.

-- plans: one row per yearly plan (a span like 2021-2022 is one plan)
create or replace view plans as
with task_counts as (
    select plan_id, count(*) as task_count from stg_tasks group by plan_id
),
source_counts as (
    select plan_id, count(*) as source_count from stg_sources group by plan_id
)
select
    p.plan_id,
    p.period_start,
    p.period_end,
    p.title,
    p.doc_number,
    p.issued_on,
    p.issuer,
    coalesce(t.task_count, 0) as task_count,
    p.is_complete as complete,
    coalesce(s.source_count, 0) as source_count,
    len(p.addressees) as addressee_count,
    coalesce(l.is_linked, false) as linked,  -- false: loaded after the last matching (run `ipplans link`)
from stg_plans as p
left join task_counts as t on t.plan_id = p.plan_id
left join source_counts as s on s.plan_id = p.plan_id
left join stg_plan_link_state as l on l.plan_id = p.plan_id
order by p.period_start;

-- sources: one row per input file or page; several sources may be copies of one plan
create or replace view sources as
select source_name, plan_id, sha256, format, location, encoding, script, task_count, is_complete as complete,
       loaded_at,
from stg_sources
order by plan_id, source_name;

-- sections: one row per 一、 section or （一） sub-section of a plan
create or replace view sections as
select plan_id, section_path, level, number, title,
from stg_sections;

-- tasks: one row per numbered task of a plan (taken from its most complete copy)
create or replace view tasks as
select
    t.plan_id,
    t.task_key,
    t.task_no,
    t.section_path,
    t.text,
    t.department_clause,
    t.departments,
    t.clause_form,
    t.is_key_task as key_task,
    t.is_truncated as truncated,
    t.printed_no,
    t.position,
    t.cited_titles,
    coalesce(l1.title || coalesce(' / ' || l2.title, ''), '') as section_title,
    t.original_text,
    t.from_source,
from stg_tasks as t
left join stg_sections as l1 on l1.plan_id = t.plan_id and l1.section_path = split_part(t.section_path, '.', 1)
left join stg_sections as l2 on l2.plan_id = t.plan_id and l2.section_path = t.section_path and l2.level = 2
order by t.plan_id, t.position;

-- source_differences: one row per task where two copies of a plan read differently
create or replace view source_differences as
select plan_id, task_key, source_a, source_b, diff, text_a, text_b,
from stg_source_differences
order by plan_id, task_key, source_a, source_b;
