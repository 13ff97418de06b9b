-- Core: the stage of every task's wording (the rule of transforms/stages.py, in SQL). 《…》 titles are
-- removed, vocabulary words are read left to right with the longest word winning at each place, and the
-- most advanced stage found is kept; the first printed word of that stage names it.

-- task_stages: one row per task: its stage (null when no stage word is used), the stage's order, the word
-- that decided it, whether a finishing word (出台, 颁布, 完成, 建成 …) is used, and every stage word found
create or replace view task_stages as
with vocabulary as (
    select string_agg(word, '|' order by length(word) desc, word) as pattern from stg_stage_words
),
found as (
    select t.plan_id, t.task_key, w.word, w.position,
    from stg_tasks as t
    cross join vocabulary as v
    cross join lateral (
        select unnest(words) as word, generate_subscripts(words, 1) as position
        from (select regexp_extract_all(regexp_replace(t.text, '《[^《》]*》', '', 'g'), v.pattern) as words)
    ) as w
    where v.pattern is not null
),
staged as (
    select f.plan_id, f.task_key, f.word, f.position, s.stage, s.stage_order, s.is_finishing,
           max(s.stage_order) over (partition by f.plan_id, f.task_key) as best_order,
    from found as f
    join stg_stage_words as s on s.word = f.word
    where s.stage is not null
),
decided as (
    select
        plan_id,
        task_key,
        any_value(best_order) as stage_order,
        arg_min(stage, position) filter (where stage_order = best_order) as stage,
        arg_min(word, position) filter (where stage_order = best_order) as stage_word,
        bool_or(is_finishing) as reads_finished,
        list(word order by position) as stage_words,
    from staged
    group by plan_id, task_key
)
select
    t.plan_id,
    t.task_key,
    t.task_no,
    d.stage,
    d.stage_order,
    d.stage_word,
    coalesce(d.reads_finished, false) as reads_finished,
    coalesce(d.stage_words, []::varchar[]) as stage_words,
from stg_tasks as t
left join decided as d on d.plan_id = t.plan_id and d.task_key = t.task_key
order by t.plan_id, t.position;
