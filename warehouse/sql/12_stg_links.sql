-- Staging, task matching and link state: one view per raw table of 06_raw_links.sql and
-- 08_raw_link_state.sql, as stored.

-- one row per link or review candidate between tasks of two plans
create or replace view stg_task_links as
select * from raw_task_links;

-- one row per task and the lineage it belongs to
create or replace view stg_task_lineage as
select * from raw_task_lineage;

-- one row per task new in, or dropped from, a plan
create or replace view stg_plan_changes as
select * from raw_plan_changes;

-- one row: the fingerprint of the last matching
create or replace view stg_link_state as
select * from raw_link_state;

-- one row per plan of the last matching, in chain order, with its fingerprint
create or replace view stg_linked_plans as
select * from raw_linked_plans;
