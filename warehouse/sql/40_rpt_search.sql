-- Report views, search and history of one line of work (read by warehouse/analysis.py).

-- rpt_search_tasks: one row per task of every plan, with what `ipplans search` shows and filters on: the
-- plan's years, the task's lineage (null before any matching), the titles it cites, the departments as
-- printed and the department lines carrying them today (lineage_id: 工商总局 in 2016 is 市场监管总局's line)
create or replace view rpt_search_tasks as
with lines as (
    select plan_id, task_key,
           list(distinct lineage_id order by lineage_id) filter (where lineage_id is not null) as department_lines,
    from task_departments
    group by plan_id, task_key
)
select
    t.plan_id,
    p.period_start as year,
    p.period_end,
    t.task_key,
    t.task_no,
    t.position,
    t.text,
    tl.lineage_id,
    t.cited_titles,
    t.departments,
    coalesce(l.department_lines, []::varchar[]) as department_lines,
from tasks as t
join plans as p on p.plan_id = t.plan_id
left join task_lineage as tl on tl.plan_id = t.plan_id and tl.task_key = t.task_key
left join lines as l on l.plan_id = t.plan_id and l.task_key = t.task_key
order by p.period_start, t.position;
