-- Core: task links and lineages across plans (written by transforms.matching via warehouse.links).
-- A lineage is one line of work followed across the yearly plans; links are its edges.

-- task_links: one row per link (lineage edge) between a task of an earlier plan and a task of a later
-- plan; automatic links at or above the threshold and links a curator confirmed. kind says what changed.
create or replace view task_links as
select
    from_plan,
    from_task_key,
    from_task_no,
    to_plan,
    to_task_key,
    to_task_no,
    score,
    kind,
    changes,
    status,
    shared_titles,
    shared_departments,
    is_gap,
from stg_task_links
where status in ('auto', 'confirmed')
order by from_plan, from_task_no, to_plan, to_task_no;

-- link_review: one row per pair the matcher would link one-to-one but not confidently (score between the
-- review threshold and the threshold); a person confirms or rejects it in link_overrides.csv
create or replace view link_review as
select
    l.from_plan,
    l.from_task_no,
    l.to_plan,
    l.to_task_no,
    l.score,
    l.kind,
    l.shared_titles,
    l.shared_departments,
    f.text as from_text,
    t.text as to_text,
    l.from_task_key,
    l.to_task_key,
from stg_task_links as l
left join stg_tasks as f on f.plan_id = l.from_plan and f.task_key = l.from_task_key
left join stg_tasks as t on t.plan_id = l.to_plan and t.task_key = l.to_task_key
where l.status = 'review'
order by l.score desc, l.to_plan, l.to_task_no;

-- task_lineage: one row per task of every plan, with the lineage it belongs to
create or replace view task_lineage as
select lineage_id, plan_id, task_key, task_no,
from stg_task_lineage
order by lineage_id, plan_id, task_no;

-- plan_changes: one row per task new in, or dropped from, a plan relative to the previous loaded plan
create or replace view plan_changes as
select c.from_plan, c.to_plan, c.plan_id, c.task_key, t.task_no, c.change,
from stg_plan_changes as c
left join stg_tasks as t on t.plan_id = c.plan_id and t.task_key = c.task_key
order by c.from_plan, c.to_plan, c.change, t.task_no;

-- lineage_continuity: one row per lineage: first and last plan, how many plans it appears in, the
-- loaded plans between them it is absent from (gaps), and its department lines plan by plan
create or replace view lineage_continuity as
with members as (
    select l.lineage_id, l.plan_id, l.task_key, p.period_start,
    from stg_task_lineage as l
    join stg_plans as p on p.plan_id = l.plan_id
),
spans as (
    select
        lineage_id,
        arg_min(plan_id, period_start) as first_plan,
        arg_max(plan_id, period_start) as last_plan,
        min(period_start) as first_year,
        max(period_start) as last_year,
        count(distinct plan_id) as plans_present,
        count(*) as tasks,
    from members
    group by lineage_id
),
missing as (
    select s.lineage_id, list(p.plan_id order by p.period_start) as missing_plans,
    from spans as s
    join stg_plans as p on p.period_start between s.first_year and s.last_year
    where not exists (select 1 from members as m where m.lineage_id = s.lineage_id and m.plan_id = p.plan_id)
    group by s.lineage_id
),
lines_per_plan as (
    select
        m.lineage_id,
        m.plan_id,
        m.period_start,
        list(distinct td.lineage_id order by td.lineage_id) filter (where td.lineage_id is not null) as lines,
        arg_min(td.lineage_id, td.position) filter (where td.lineage_id is not null) as lead_line,
    from members as m
    left join stg_task_departments as td on td.plan_id = m.plan_id and td.task_key = m.task_key
    group by m.lineage_id, m.plan_id, m.period_start
),
history as (
    select
        lineage_id,
        list({'plan_id': plan_id, 'lead_line': lead_line, 'lines': lines} order by period_start)
            as department_lines,
        string_agg(plan_id || ': ' || coalesce(array_to_string(lines, ','), '?'), ' → ' order by period_start)
            as department_history,
        count(distinct lead_line) > 1 as lead_changed,
    from lines_per_plan
    group by lineage_id
)
select
    s.lineage_id,
    s.first_plan,
    s.last_plan,
    s.first_year,
    s.last_year,
    s.plans_present,
    coalesce(len(g.missing_plans), 0) as gaps,
    coalesce(g.missing_plans, []::varchar[]) as missing_plans,
    s.tasks,
    h.department_lines,
    h.department_history,
    h.lead_changed,
from spans as s
left join missing as g on g.lineage_id = s.lineage_id
left join history as h on h.lineage_id = s.lineage_id
order by s.first_year, s.lineage_id;

-- tasks_carried_over(from_plan_id, to_plan_id): one row per pair of a task of the first plan and a task
-- of the second plan in the same lineage (linked directly, or across plans in between), with the
-- departments each names. It answers "which 2016 tasks still appear in 2020, under which departments":
--     select from_task_no, to_task_no, from_departments, to_departments, to_lines
--     from tasks_carried_over('2016', '2020');
create or replace macro tasks_carried_over(from_plan_id, to_plan_id) as table
select
    f.task_no as from_task_no,
    t.task_no as to_task_no,
    f.departments as from_departments,
    t.departments as to_departments,
    (select list(td.lineage_id order by td.position) from stg_task_departments as td
     where td.plan_id = t.plan_id and td.task_key = t.task_key) as to_lines,
    link.kind,
    link.score,
    lf.lineage_id,
    f.text as from_text,
    t.text as to_text,
    f.task_key as from_task_key,
    t.task_key as to_task_key,
from stg_task_lineage as lf
join stg_task_lineage as lt on lt.lineage_id = lf.lineage_id and lt.plan_id = to_plan_id
join stg_tasks as f on f.plan_id = lf.plan_id and f.task_key = lf.task_key
join stg_tasks as t on t.plan_id = lt.plan_id and t.task_key = lt.task_key
left join stg_task_links as link
    on link.from_plan = f.plan_id and link.from_task_key = f.task_key
    and link.to_plan = t.plan_id and link.to_task_key = t.task_key and link.status in ('auto', 'confirmed')
where lf.plan_id = from_plan_id
order by f.position, t.position;
