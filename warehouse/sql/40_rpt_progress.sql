-- Report views, lines of work over the years: every appearance with its wording, stage and departments
-- (the history of one line of work), and how far each line has progressed. Stages: task_stages.

-- rpt_lineage_appearances: one row per task of every lineage, in plan order, with its stage and its
-- departments: as printed, and the department lines carrying them today (工商总局 → 市场监管总局); the lead
-- is the department named first
create or replace view rpt_lineage_appearances as
with named as (
    select
        td.plan_id,
        td.task_key,
        list(coalesce(d.short_name, td.raw_name) order by td.position) as department_names,
        list(coalesce(l.short_name, td.raw_name) order by td.position) as department_line_names,
        arg_min(coalesce(d.short_name, td.raw_name), td.position) as lead_department,
        arg_min(coalesce(l.short_name, td.raw_name), td.position) as lead_line,
    from task_departments as td
    left join departments as d on d.department_id = td.department_id
    left join departments as l on l.department_id = td.lineage_id
    group by td.plan_id, td.task_key
)
select
    tl.lineage_id,
    tl.plan_id,
    p.period_start as year,
    p.period_end,
    p.complete as plan_complete,
    t.task_key,
    t.task_no,
    t.position,
    t.text,
    t.department_clause,
    t.departments,
    coalesce(n.department_names, []::varchar[]) as department_names,
    coalesce(n.department_line_names, []::varchar[]) as department_line_names,
    n.lead_department,
    n.lead_line,
    s.stage,
    s.stage_order,
    s.stage_word,
    s.reads_finished,
from task_lineage as tl
join plans as p on p.plan_id = tl.plan_id
join tasks as t on t.plan_id = tl.plan_id and t.task_key = tl.task_key
left join task_stages as s on s.plan_id = tl.plan_id and s.task_key = tl.task_key
left join named as n on n.plan_id = tl.plan_id and n.task_key = tl.task_key
order by tl.lineage_id, p.period_start, t.position;

-- lineage_progress: one row per lineage (line of work): first and last plan, how many plans it appears
-- in, its stage in each of them (the most advanced of its tasks there; null: no stage word), whether the
-- stage ever advanced (an appearance beyond every stage of the earlier ones), the plan of the last advance,
-- the appearances since then (since the first appearance when it never advanced), and whether its last
-- appearance reads as finished (uses 出台, 印发, 颁布, 完成 or 建成)
create or replace view lineage_progress as
with per_plan as (
    select
        lineage_id,
        plan_id,
        year,
        max(stage_order) as stage_order,
        arg_max(stage, stage_order) as stage,
        bool_or(reads_finished) as reads_finished,
        arg_min(text, position) as text,
    from rpt_lineage_appearances
    group by lineage_id, plan_id, year
),
marked as (
    select
        *,
        stage_order > max(stage_order) over (partition by lineage_id order by year
                                             rows between unbounded preceding and 1 preceding) as advanced_here,
        row_number() over (partition by lineage_id order by year) as appearance,
    from per_plan
)
select
    lineage_id,
    arg_min(plan_id, year) as first_plan,
    arg_max(plan_id, year) as last_plan,
    min(year) as first_year,
    max(year) as last_year,
    count(*) as appearances,
    list(stage order by year) as stages,
    coalesce(bool_or(advanced_here), false) as stage_advanced,
    arg_max(plan_id, appearance) filter (where advanced_here) as last_advance_plan,
    count(*) - coalesce(max(appearance) filter (where advanced_here), 1) as plans_since_advance,
    arg_max(stage, year) as last_stage,
    arg_max(reads_finished, year) as reads_finished,
    arg_max(text, year) as last_text,
from marked
group by lineage_id
order by first_year, lineage_id;
