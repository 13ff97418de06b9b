-- Raw layer, link state: what the last successful matching saw. When the tasks or the curated
-- overrides have changed since (a new plan, a replaced copy, an edited overrides file, or a run
-- killed between its load and its matching), the next run matches again.

create table if not exists raw_link_state (
    linked_at timestamp not null,     -- UTC
    fingerprint varchar not null      -- over every task's key, text and departments, and the overrides
);

-- one row per plan the last matching saw, in chain order, with a fingerprint of what its step read
-- (its tasks, the overrides naming it, the matcher's settings; see transforms/matching/incremental.py).
-- The next matching keeps the links of the leading plans whose fingerprints are unchanged.
create table if not exists raw_linked_plans (
    plan_id varchar not null primary key,
    position integer not null,        -- 0-based place in chain order
    fingerprint varchar not null
);

-- one row per plan the last matching saw, with a hash of its tasks as they were then. A plan whose tasks
-- hash differently now (or that has no row) was loaded after the last matching: loaded but not linked,
-- e.g. by a run killed between its load and its link step (stg_plan_link_state, plans.linked).
create table if not exists raw_plan_link_state (
    plan_id varchar not null primary key,
    tasks_md5 varchar not null
);
