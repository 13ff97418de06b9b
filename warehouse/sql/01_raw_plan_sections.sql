-- Raw layer: the sections of each plan as merged from its copies, i.e. those of the copy whose structure
-- the plan has (transforms/merge.py). Written by warehouse/load.py with the plan's tasks.
create table if not exists raw_sections (
    plan_id varchar not null,
    section_path varchar not null,    -- "2" or "2.1"
    level integer not null,
    number varchar not null,          -- as printed: 二 or （一）
    title varchar not null,
    primary key (plan_id, section_path)
);
