-- Report views, many years: lines of work (task lineages) across all plans, for the overview report.

-- rpt_lineage_timeline: one row per line of work and plan it appears in; when a line was split, the
-- plan holds several of its tasks (tasks > 1) and the first printed one stands for them
create or replace view rpt_lineage_timeline as
select
    tl.lineage_id,
    tl.plan_id,
    p.period_start as year,
    count(*) as tasks,
    arg_min(t.task_no, t.position) as task_no,
    arg_min(t.task_key, t.position) as task_key,
    arg_min(t.text, t.position) as text,
from task_lineage as tl
join plans as p on p.plan_id = tl.plan_id
join tasks as t on t.plan_id = tl.plan_id and t.task_key = tl.task_key
group by tl.lineage_id, tl.plan_id, p.period_start
order by tl.lineage_id, p.period_start;

-- rpt_lineage_spans: one row per line of work: the first and last plan it appears in, how many plans
-- it appears in, and the gaps (plans between its first and last in which it is absent). An absence
-- in a partial document may only mean that the part holding the task did not survive.
create or replace view rpt_lineage_spans as
with bounds as (
    select
        lineage_id,
        arg_min(plan_id, year) as first_plan,
        min(year) as first_year,
        arg_max(plan_id, year) as last_plan,
        max(year) as last_year,
        count(*) as plans_present,
        arg_min(text, year) as first_text,
        arg_max(text, year) as last_text,
        arg_max(task_no, year) as last_task_no,
    from rpt_lineage_timeline
    group by lineage_id
),
gaps as (
    select b.lineage_id, list(p.plan_id order by p.period_start) as gap_plans,
    from bounds as b
    join plans as p on p.period_start > b.first_year and p.period_start < b.last_year
    anti join rpt_lineage_timeline as x on x.lineage_id = b.lineage_id and x.plan_id = p.plan_id
    group by b.lineage_id
)
select
    b.lineage_id,
    b.first_plan,
    b.first_year,
    b.last_plan,
    b.last_year,
    b.plans_present,
    b.plans_present + coalesce(len(g.gap_plans), 0) as plans_spanned,
    coalesce(g.gap_plans, []::varchar[]) as gap_plans,
    b.last_year - b.first_year + 1 as years_spanned,
    b.last_task_no,
    b.first_text,
    b.last_text,
from bounds as b
left join gaps as g on g.lineage_id = b.lineage_id
order by b.plans_present desc, years_spanned desc, b.first_year, b.last_task_no, b.lineage_id;
