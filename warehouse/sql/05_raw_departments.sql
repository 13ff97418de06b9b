-- Raw layer, departments: the registry (copied from sources/reference/*.csv by
-- warehouse.departments.write_registry) and every department name of every plan, resolved as of the
-- plan's first year (transforms.departments).

-- one row per body or collective actor under one identity
create table if not exists raw_departments (
    department_id varchar primary key,
    official_name varchar not null,
    short_name varchar not null,
    category varchar not null,        -- party | ministry | agency | court_procuratorate | military
                                      -- | public_institution | people_org | collective
    valid_from integer,               -- calendar years; null: open (or before the registry's horizon)
    valid_to integer,
    lineage_id varchar not null,      -- present-day body carrying this body's line of work
    notes varchar
);

-- one row per name a body answers to and the years it meant that body
create table if not exists raw_department_aliases (
    alias varchar not null,           -- as written in the registry
    department_id varchar not null,
    valid_from integer,
    valid_to integer,
    lookup_key varchar not null       -- the normalised form printed names are matched against, exactly
);

-- one row per rename, merge, split, absorption or plate
create table if not exists raw_department_lineage (
    from_id varchar not null,
    to_id varchar not null,
    year integer not null,
    kind varchar not null,            -- rename | merge | split | absorbed | plate
    functions varchar,                -- which functions moved along this edge
    is_primary boolean not null       -- false: a partial transfer; lineage follows primary edges
);

-- one row per department name in a task's clause, in printed order
create table if not exists raw_task_departments (
    plan_id varchar not null,
    task_key varchar not null,
    position integer not null,        -- 1-based; the first named department leads
    raw_name varchar not null,
    department_id varchar,            -- null when the name could not be resolved
    lineage_id varchar,
    role varchar not null,            -- lead | co
    kind varchar not null,            -- department | collective | unknown
    primary key (plan_id, task_key, position)
);

-- one row per name in a plan's addressee list (主送)
create table if not exists raw_plan_addressees (
    plan_id varchar not null,
    position integer not null,
    raw_name varchar not null,
    department_id varchar,
    kind varchar not null,            -- department | collective | unknown
    primary key (plan_id, position)
);
