"""Match recurring tasks across yearly plans into lineages (issue 4).

Stages, one module each, wired by `matcher.match_plans`:
features → blocking → comparisons → scoring → assignment → lineage → kinds;
`evaluation` scores lineages against gold pairs, `explain.explain_link` shows why a pair
is (not) linked, `overrides` holds curated decisions, `frames.tasks_frame` builds the
input from parsed plans. Everything here is pure: DataFrames and dataclasses in and out.
"""
