-- Report views, departments: workload per year and coverage per plan (read by the reports and
-- `ipplans sql`). A plan's year is its first year: the 2021-2022 plan counts as 2021.

-- rpt_department_tasks_by_year: one row per plan year and body named in that year's task clauses
-- (departments and collective actors); a task counts as led when the body is named first, else co-owned
create or replace view rpt_department_tasks_by_year as
with named as (
    select p.period_start as year, td.department_id, td.plan_id, td.task_key, min(td.position) as first_position,
    from stg_task_departments as td
    join stg_plans as p on p.plan_id = td.plan_id
    where td.department_id is not null
    group by all
)
select
    n.year,
    n.department_id,
    d.short_name,
    d.category,
    count(*) filter (where n.first_position = 1) as tasks_led,
    count(*) filter (where n.first_position > 1) as tasks_co_owned,
    count(*) as tasks_named,
from named as n
join stg_departments as d on d.department_id = n.department_id
group by all
order by n.year, tasks_named desc, n.department_id;

-- rpt_department_line_tasks_by_year: one row per plan year and line of work (lineage_id, the present-day
-- body), so 工商总局 in 2016 and 市场监管总局 in 2020 are one line; a task naming two bodies of one line
-- counts once, as led when either is named first
create or replace view rpt_department_line_tasks_by_year as
with named as (
    select
        p.period_start as year,
        td.lineage_id,
        td.plan_id,
        td.task_key,
        min(td.position) as first_position,
        list(distinct td.department_id) as department_ids,
    from stg_task_departments as td
    join stg_plans as p on p.plan_id = td.plan_id
    where td.lineage_id is not null
    group by all
)
select
    n.year,
    n.lineage_id,
    l.short_name as lineage_name,
    list_sort(list_distinct(flatten(list(n.department_ids)))) as carried_by,
    count(*) filter (where n.first_position = 1) as tasks_led,
    count(*) filter (where n.first_position > 1) as tasks_co_owned,
    count(*) as tasks_named,
from named as n
join stg_departments as l on l.department_id = n.lineage_id
group by n.year, n.lineage_id, l.short_name
order by n.year, tasks_named desc, n.lineage_id;

-- rpt_plan_department_coverage: one row per plan and body named in its tasks or its addressee list (主送),
-- saying where it is named; unresolved names are kept under their printed form with no department_id
create or replace view rpt_plan_department_coverage as
with in_tasks as (
    select
        plan_id,
        department_id,
        case when department_id is null then raw_name end as unresolved_name,
        any_value(kind) as kind,
        count(distinct task_key) as tasks_named,
    from stg_task_departments
    group by all
),
in_addressees as (
    select
        plan_id,
        department_id,
        case when department_id is null then raw_name end as unresolved_name,
        any_value(kind) as kind,
        min(position) as addressee_position,
    from stg_plan_addressees
    group by all
)
select
    coalesce(t.plan_id, a.plan_id) as plan_id,
    coalesce(t.department_id, a.department_id) as department_id,
    coalesce(d.short_name, t.unresolved_name, a.unresolved_name) as name,
    coalesce(t.kind, a.kind) as kind,
    t.plan_id is not null as in_tasks,
    a.plan_id is not null as in_addressees,
    coalesce(t.tasks_named, 0) as tasks_named,
    a.addressee_position,
from in_tasks as t
full join in_addressees as a
    on a.plan_id = t.plan_id
    and a.department_id is not distinct from t.department_id
    and a.unresolved_name is not distinct from t.unresolved_name
left join stg_departments as d on d.department_id = coalesce(t.department_id, a.department_id)
order by plan_id, a.addressee_position nulls last, name;
