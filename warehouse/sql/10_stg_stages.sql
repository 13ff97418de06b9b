-- Staging, stage vocabulary.

-- one row per stage word (stage null: a name that hides a stage word it holds)
create or replace view stg_stage_words as
select word, stage, stage_order, finished as is_finishing, reason,
from raw_stage_words;
