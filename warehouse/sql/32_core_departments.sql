-- Core views, departments. Column names here are the project's contract.
-- A plan's year is its first year (stg_plans.period_start): the 2021-2022 plan counts as 2021.

-- departments: one row per body or collective actor in the registry, with the present-day body of its line
create or replace view departments as
select
    d.department_id,
    d.official_name,
    d.short_name,
    d.category,
    d.valid_from,
    d.valid_to,
    d.lineage_id,
    l.short_name as lineage_name,
    d.notes,
from stg_departments as d
left join stg_departments as l on l.department_id = d.lineage_id
order by d.department_id;

-- department_aliases: one row per name a body answers to and the years in which it meant that body
create or replace view department_aliases as
select a.alias, a.department_id, d.short_name, a.valid_from, a.valid_to, a.lookup_key,
from stg_department_aliases as a
join stg_departments as d on d.department_id = a.department_id
order by a.department_id, a.alias;

-- department_lineage: one row per reform edge; a split has one row per successor, with the functions that
-- went there
create or replace view department_lineage as
select
    e.year,
    e.from_id,
    f.short_name as from_name,
    e.to_id,
    t.short_name as to_name,
    e.kind,
    e.is_primary,
    e.functions,
from stg_department_lineage as e
left join stg_departments as f on f.department_id = e.from_id
left join stg_departments as t on t.department_id = e.to_id
order by e.year, e.from_id, not e.is_primary, e.to_id;

-- task_departments: one row per department name in a task's clause, in printed order
-- (position 1 leads); names that could not be resolved have kind 'unknown' and no department_id
create or replace view task_departments as
select td.plan_id, td.task_key, td.position, td.department_id, td.lineage_id, td.role, td.raw_name, td.kind,
from stg_task_departments as td
left join stg_tasks as t on t.plan_id = td.plan_id and t.task_key = td.task_key
order by td.plan_id, t.position, td.task_key, td.position;
