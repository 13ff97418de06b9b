-- Raw layer, task matching: written only by warehouse.links.write_match_result, which replaces all
-- three tables at once (the caller owns the transaction). The matcher is transforms.matching.

-- one row per link between tasks of two plans, or per candidate listed for review (status 'review');
-- only 'auto' and 'confirmed' rows are lineage edges
create table if not exists raw_task_links (
    from_plan varchar not null,
    from_task_key varchar not null,
    from_task_no integer,
    to_plan varchar not null,
    to_task_key varchar not null,
    to_task_no integer,
    score double,                      -- posterior probability that the later task continues the earlier
    kind varchar,                      -- identical | reworded | narrowed | widened | split | merged
                                       -- | department_changed | stage_advanced
    changes varchar,                   -- every kind that applies, '|'-separated
    status varchar not null default 'auto',  -- auto | confirmed (curated override) | review
    role varchar default 'primary',    -- primary | split (extra part of a split) | merge (extra part of a merge)
    shared_titles varchar,             -- anchors (《》 titles, quoted campaign names) both tasks name
    shared_departments varchar,        -- the later task's departments on a line the earlier task also names
    signals varchar,                   -- JSON: every comparison signal (text_ratio, text_overlap, …)
    match_weight double,               -- Fellegi–Sunter log2 odds of the pair on its own, prior included
    rule varchar,                      -- the blocking rule that made the pair a candidate
    is_gap boolean default false       -- the earlier task was absent from the plans in between
);

-- one row per task of every plan: the lineage (line of work across years) it belongs to
create table if not exists raw_task_lineage (
    lineage_id varchar not null,
    plan_id varchar not null,
    task_key varchar not null,
    task_no integer,
    primary key (plan_id, task_key)
);

-- one row per task that is new in, or dropped from, a plan relative to the previous loaded plan
create table if not exists raw_plan_changes (
    from_plan varchar not null,
    to_plan varchar not null,
    plan_id varchar not null,          -- the plan the task belongs to (to_plan for new, from_plan for dropped)
    task_key varchar not null,
    change varchar not null            -- new | dropped
);
