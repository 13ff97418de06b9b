-- Staging: whether each loaded plan is linked as it stands (one row per plan in raw_plans).
-- tasks_md5 hashes what matching reads of a plan's tasks; warehouse/link_state.py stores it with the
-- links, in the transaction that writes them, so a plan is linked exactly when the two hashes agree.
create or replace view stg_plan_link_state as
with current_tasks as (
    select plan_id,
           md5(string_agg(task_key || '/' || text || '/' || array_to_string(departments, '、'), chr(10)
                          order by task_key)) as tasks_md5
    from raw_tasks
    group by plan_id
)
select
    p.plan_id,
    c.tasks_md5,
    s.tasks_md5 as linked_tasks_md5,
    coalesce(s.tasks_md5 = c.tasks_md5, false) as is_linked,
from raw_plans as p
left join current_tasks as c on c.plan_id = p.plan_id
left join raw_plan_link_state as s on s.plan_id = p.plan_id;
