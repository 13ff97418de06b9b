-- Raw layer, link state: what the last successful matching saw. When the tasks or the curated
-- overrides have changed since (a new plan, a replaced copy, an edited overrides file, or a run
-- killed between its load and its matching), the next run matches again.

create table if not exists raw_link_state (
    linked_at timestamp not null,     -- UTC
    fingerprint varchar not null      -- over every task's key, text and departments, and the overrides
);
