-- Staging, departments: one view per raw table of 05_raw_departments.sql, as stored.

-- one row per body or collective actor in the registry
create or replace view stg_departments as
select * from raw_departments;

-- one row per name a body answers to, with its years
create or replace view stg_department_aliases as
select * from raw_department_aliases;

-- one row per reform edge
create or replace view stg_department_lineage as
select * from raw_department_lineage;

-- one row per department mention in a task, resolved as of the plan's year
create or replace view stg_task_departments as
select * from raw_task_departments;

-- one row per addressee (主送) of a plan, resolved as of the plan's year
create or replace view stg_plan_addressees as
select * from raw_plan_addressees;
