-- Report views for spreadsheets (read by warehouse/export.py for `ipplans export`).

-- rpt_export_tasks: one row per task of every plan, with its departments as printed, its lead
-- department, the department lines it names (present-day bodies: 工商总局 counts as 市场监管总局,
-- first-named first) and the task lineage (line of work across plans) it belongs to
create or replace view rpt_export_tasks as
with mentions as (
    select td.plan_id, td.task_key, td.position, td.role, td.raw_name,
           coalesce(d.short_name, td.raw_name) as department_name,
           coalesce(line.short_name, td.lineage_id, td.raw_name) as line_name,
    from task_departments as td
    left join departments as d on d.department_id = td.department_id
    left join departments as line on line.department_id = td.lineage_id
),
lines as (
    -- a line named twice counts at its first position
    select plan_id, task_key, line_name, min(position) as position,
    from mentions
    group by all
),
per_task as (
    select m.plan_id, m.task_key,
           arg_min(m.department_name, m.position) filter (where m.role = 'lead') as lead_department,
    from mentions as m
    group by all
),
line_lists as (
    select plan_id, task_key, string_agg(line_name, '、' order by position) as department_lines,
    from lines
    group by all
)
select
    t.plan_id,
    p.period_start as year,
    t.task_key,
    t.task_no,
    t.printed_no,
    t.section_path,
    t.section_title,
    t.text,
    t.department_clause,
    array_to_string(t.departments, '、') as departments,
    pt.lead_department,
    ll.department_lines,
    t.clause_form,
    t.key_task,
    t.truncated,
    tl.lineage_id,
    t.position,
from tasks as t
join plans as p on p.plan_id = t.plan_id
left join per_task as pt on pt.plan_id = t.plan_id and pt.task_key = t.task_key
left join line_lists as ll on ll.plan_id = t.plan_id and ll.task_key = t.task_key
left join task_lineage as tl on tl.plan_id = t.plan_id and tl.task_key = t.task_key
order by p.period_start, t.plan_id, t.position;
