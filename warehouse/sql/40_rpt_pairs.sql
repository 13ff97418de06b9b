-- Report views, year over year: two plans side by side (read by warehouse/reports.py).
-- A pair is any two plans in order of first year; `consecutive` marks neighbours, the pairs
-- `ipplans report --all` writes. Tasks of the two plans are aligned by the matcher's direct links
-- first, then by a shared lineage (a line of work that skipped the plans in between).

-- rpt_plan_pairs: one row per ordered pair of plans (earlier, later)
create or replace view rpt_plan_pairs as
with ordered as (
    select plan_id, period_start, complete, task_count, row_number() over (order by period_start, plan_id) as seq,
    from plans
)
select
    a.plan_id as from_plan,
    b.plan_id as to_plan,
    a.period_start as from_year,
    b.period_start as to_year,
    a.complete as from_complete,
    b.complete as to_complete,
    a.task_count as from_task_count,
    b.task_count as to_task_count,
    b.seq = a.seq + 1 as consecutive,
from ordered as a
join ordered as b on b.seq > a.seq;

-- rpt_pair_tasks: one row per aligned task pair ('continued'), earlier task with no partner ('dropped')
-- or later task with no partner ('new'); kind is the link's kind, null when aligned only by lineage;
-- returns_from names the latest plan before the pair in which a 'new' task's line of work appeared
create or replace view rpt_pair_tasks as
with direct as (
    select from_plan, to_plan, from_task_key, to_task_key, kind, score, 'link' as aligned_by,
    from task_links
),
via_lineage as (
    select p.from_plan, p.to_plan, a.task_key as from_task_key, b.task_key as to_task_key,
           null::varchar as kind, null::double as score, 'lineage' as aligned_by,
    from rpt_plan_pairs as p
    join task_lineage as a on a.plan_id = p.from_plan
    join task_lineage as b on b.plan_id = p.to_plan and b.lineage_id = a.lineage_id
    -- a task the matcher linked directly within this pair is aligned by that link only
    anti join direct as d on d.from_plan = p.from_plan and d.to_plan = p.to_plan and d.from_task_key = a.task_key
    anti join direct as e on e.from_plan = p.from_plan and e.to_plan = p.to_plan and e.to_task_key = b.task_key
),
aligned as (
    select * from direct
    union all by name
    select * from via_lineage
),
earlier_side as (
    select p.from_plan, p.to_plan, p.from_year, f.task_key as from_task_key, a.to_task_key, a.kind, a.score,
           a.aligned_by,
    from rpt_plan_pairs as p
    join tasks as f on f.plan_id = p.from_plan
    left join aligned as a on a.from_plan = p.from_plan and a.to_plan = p.to_plan and a.from_task_key = f.task_key
),
later_only as (
    select p.from_plan, p.to_plan, p.from_year, null::varchar as from_task_key, t.task_key as to_task_key,
    from rpt_plan_pairs as p
    join tasks as t on t.plan_id = p.to_plan
    anti join aligned as a on a.from_plan = p.from_plan and a.to_plan = p.to_plan and a.to_task_key = t.task_key
),
pair_rows as (
    select r.*, coalesce(lf.lineage_id, lt.lineage_id) as lineage_id,
    from (select * from earlier_side union all by name select * from later_only) as r
    left join task_lineage as lf on lf.plan_id = r.from_plan and lf.task_key = r.from_task_key
    left join task_lineage as lt on lt.plan_id = r.to_plan and lt.task_key = r.to_task_key
),
appearances as (
    -- every plan each line of work appears in, to say that a 'new' task resumes an older line
    select tl.lineage_id, tl.plan_id, p.period_start,
    from task_lineage as tl
    join plans as p on p.plan_id = tl.plan_id
)
select
    r.from_plan,
    r.to_plan,
    case when r.from_task_key is null then 'new' when r.to_task_key is null then 'dropped' else 'continued' end
        as change,
    r.kind,
    r.score,
    r.aligned_by,
    r.lineage_id,
    r.from_task_key,
    f.task_no as from_task_no,
    f.section_path as from_section_path,
    f.section_title as from_section_title,
    f.text as from_text,
    f.department_clause as from_department_clause,
    f.truncated as from_truncated,
    r.to_task_key,
    t.task_no as to_task_no,
    t.section_path as to_section_path,
    t.section_title as to_section_title,
    t.text as to_text,
    t.department_clause as to_department_clause,
    t.truncated as to_truncated,
    case when r.from_task_key is null then e.plan_id end as returns_from,
from pair_rows as r
left join tasks as f on f.plan_id = r.from_plan and f.task_key = r.from_task_key
left join tasks as t on t.plan_id = r.to_plan and t.task_key = r.to_task_key
-- the latest appearance of the line before the earlier plan of the pair
asof left join appearances as e on e.lineage_id = r.lineage_id and e.period_start < r.from_year
order by r.from_plan, r.to_plan, coalesce(t.position, 1e9), f.position;

-- rpt_pair_summary: one row per ordered pair of plans with its headline counts. continued and the
-- kinds count tasks of the earlier plan, except merged (tasks of the later plan that several joined)
-- and new; via_lineage counts continued tasks with no direct link (a line resumed across a plan in between)
create or replace view rpt_pair_summary as
select
    p.from_plan,
    p.to_plan,
    p.from_year,
    p.to_year,
    p.consecutive,
    p.from_complete,
    p.to_complete,
    p.from_task_count,
    p.to_task_count,
    count(distinct r.from_task_key) filter (where r.change = 'continued') as continued,
    count(distinct r.from_task_key) filter (where r.kind = 'identical') as identical,
    count(distinct r.from_task_key) filter (where r.kind = 'reworded') as reworded,
    count(distinct r.from_task_key) filter (where r.kind = 'widened') as widened,
    count(distinct r.from_task_key) filter (where r.kind = 'narrowed') as narrowed,
    count(distinct r.from_task_key) filter (where r.kind = 'split') as split,
    count(distinct r.to_task_key) filter (where r.kind = 'merged') as merged,
    count(distinct r.from_task_key) filter (where r.kind = 'department_changed') as department_changed,
    count(distinct r.from_task_key) filter (where r.kind = 'stage_advanced') as stage_advanced,
    count(distinct r.from_task_key) filter (where r.change = 'continued' and r.aligned_by = 'lineage')
        as via_lineage,
    count(*) filter (where r.change = 'new') as new,
    count(*) filter (where r.change = 'dropped') as dropped,
    round(count(distinct r.from_task_key) filter (where r.change = 'continued')
          / nullif(p.from_task_count, 0), 4) as continuity_rate,
from rpt_plan_pairs as p
left join rpt_pair_tasks as r on r.from_plan = p.from_plan and r.to_plan = p.to_plan
group by p.from_plan, p.to_plan, p.from_year, p.to_year, p.consecutive, p.from_complete, p.to_complete,
         p.from_task_count, p.to_task_count
order by p.from_year, p.to_year;

-- rpt_pair_department_shifts: one row per change of responsibility along a continued task pair, by
-- department line (lineage_id; unresolved names by their printed form): 'joined', 'left', 'reform'
-- (the same line under another body, e.g. 工商总局 → 市场监管总局 after the 2018 reform) and
-- 'lead_changed' (the first-named department is on another line). Names are as printed in each plan.
-- Pairs where either task names no department are left out: there is nothing to compare.
create or replace view rpt_pair_department_shifts as
with pairs as (
    select distinct from_plan, to_plan, from_task_key, from_task_no, to_task_key, to_task_no,
    from rpt_pair_tasks
    where change = 'continued'
),
named as (
    -- one row per task and department line; a line named twice counts at its first position
    select plan_id, task_key, coalesce(lineage_id, 'name:' || raw_name) as line,
           min(position) as position, arg_min(department_id, position) as department_id,
           arg_min(raw_name, position) as raw_name,
    from task_departments
    group by all
),
before as (
    select pr.*, n.line, n.position, n.department_id, n.raw_name,
    from pairs as pr
    join named as n on n.plan_id = pr.from_plan and n.task_key = pr.from_task_key
),
after as (
    select pr.*, n.line, n.position, n.department_id, n.raw_name,
    from pairs as pr
    join named as n on n.plan_id = pr.to_plan and n.task_key = pr.to_task_key
),
comparable as (
    select distinct from_plan, to_plan, from_task_key, from_task_no, to_task_key, to_task_no,
    from before
    semi join after using (from_plan, to_plan, from_task_key, to_task_key)
),
lines as (
    select from_plan, to_plan, from_task_key, to_task_key, line from before
    union
    select from_plan, to_plan, from_task_key, to_task_key, line from after
),
compared as (
    select
        c.*,
        l.line,
        b.department_id as from_department_id,
        b.raw_name as from_name,
        b.position = 1 as from_is_lead,
        a.department_id as to_department_id,
        a.raw_name as to_name,
        a.position = 1 as to_is_lead,
        case
            when b.line is null then 'joined'
            when a.line is null then 'left'
            when b.department_id is distinct from a.department_id then 'reform'
        end as shift,
    from comparable as c
    join lines as l using (from_plan, to_plan, from_task_key, to_task_key)
    left join before as b using (from_plan, to_plan, from_task_key, to_task_key, line)
    left join after as a using (from_plan, to_plan, from_task_key, to_task_key, line)
),
lead_changes as (
    select c.*, null::varchar as line,
           b.department_id as from_department_id, b.raw_name as from_name, true as from_is_lead,
           a.department_id as to_department_id, a.raw_name as to_name, true as to_is_lead,
           'lead_changed' as shift,
    from comparable as c
    join before as b using (from_plan, to_plan, from_task_key, to_task_key)
    join after as a using (from_plan, to_plan, from_task_key, to_task_key)
    where b.position = 1 and a.position = 1 and b.line <> a.line
)
select
    s.from_plan,
    s.to_plan,
    s.from_task_key,
    s.from_task_no,
    s.to_task_key,
    s.to_task_no,
    s.shift,
    s.from_department_id,
    s.from_name,
    s.to_department_id,
    s.to_name,
    case when s.line like 'name:%' then null else s.line end as lineage_id,
    d.short_name as lineage_name,
    coalesce(s.from_is_lead, false) or coalesce(s.to_is_lead, false) as involves_lead,
from (
    select * from compared where shift is not null
    union all by name
    select * from lead_changes
) as s
left join departments as d on d.department_id = s.line
order by s.from_plan, s.to_plan, s.to_task_no, s.from_task_no,
         case s.shift when 'lead_changed' then 0 when 'reform' then 1 when 'left' then 2 else 3 end,
         s.from_name, s.to_name;

-- rpt_pair_department_workload: one row per ordered pair of plans and department line named in either,
-- with the tasks naming it in each plan (a line is the present-day body: 工商总局 counts as 市场监管总局)
create or replace view rpt_pair_department_workload as
with lines as (
    select p.from_plan, p.to_plan, w.lineage_id, w.lineage_name,
    from rpt_plan_pairs as p
    join rpt_department_line_tasks_by_year as w on w.year in (p.from_year, p.to_year)
    group by all
)
select
    l.from_plan,
    l.to_plan,
    l.lineage_id,
    l.lineage_name,
    coalesce(a.tasks_named, 0) as from_tasks,
    coalesce(a.tasks_led, 0) as from_tasks_led,
    coalesce(b.tasks_named, 0) as to_tasks,
    coalesce(b.tasks_led, 0) as to_tasks_led,
from lines as l
join rpt_plan_pairs as p on p.from_plan = l.from_plan and p.to_plan = l.to_plan
left join rpt_department_line_tasks_by_year as a on a.year = p.from_year and a.lineage_id = l.lineage_id
left join rpt_department_line_tasks_by_year as b on b.year = p.to_year and b.lineage_id = l.lineage_id
order by l.from_plan, l.to_plan, greatest(from_tasks, to_tasks) desc, l.lineage_id;
