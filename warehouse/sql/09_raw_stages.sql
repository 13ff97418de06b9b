-- Raw layer, stage vocabulary: a copy of sources/reference/stages.csv (the reviewed words that put a task's
-- work at a stage, 研究 → 起草 → 推进 → 出台 → 实施 → 完成), refreshed with the views by
-- warehouse.stages.write_stage_words whenever the warehouse is opened for writing. The rule is in
-- transforms/stages.py.

-- one row per stage word, or per name that holds a stage word and hides it (stage null: 实施方案)
create table if not exists raw_stage_words (
    word varchar primary key,
    stage varchar,
    stage_order integer,
    finished boolean not null,        -- the word reads as finished (出台, 颁布, 完成, 建成)
    reason varchar not null
);
