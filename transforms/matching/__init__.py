"""Match recurring tasks across yearly plans into lineages (issue 4).

Stages, one module each, wired by `matcher.match_plans` (one chain step at a time, see `step`):
features (with `text`, `anchors`) → blocking → comparisons → scoring → assignment → order →
scoring again → assignment → lineage → kinds; candidate pairs travel as numpy columns (`pairs`).
`evaluation` scores lineages against gold pairs, `explain.explain_link` shows why a pair
is (not) linked, `overrides` holds curated decisions, `frames.tasks_frame` builds the
input from parsed plans. Everything here is pure: DataFrames and dataclasses in and out.
"""
