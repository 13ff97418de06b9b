"""Settings of the task matcher, in one frozen dataclass.

Every number here has a reason written next to it; none was fitted to the
labelled real pairs in `gold_dev.csv` (see `benchmarks/bench_matching.py` for the
synthetic series the probability thresholds were checked on).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchConfig:
    # Posterior probability that a pair is the same line of work. A wrong link is
    # taken to cost about twice a missed one, so the Bayes decision threshold is
    # cost_fp / (cost_fp + cost_fn) = 2/3; we round up to 0.7.
    threshold: float = 0.7
    # Pairs the one-to-one assignment picks between this and `threshold` are listed
    # for a person (status 'review'); they are never lineage edges.
    review_threshold: float = 0.3
    # A link needs shared content: this much of the informative bigrams (the "slight overlap"
    # level of comparisons.TEXT) or a named document in common; see assignment.shares_content.
    min_content_overlap: float = 0.06
    # A task absent from the plans in between still links to its last appearance
    # within this many years (start year to start year).
    gap_window_years: int = 6
    # Prior share of a plan's tasks that continue in the next available plan. The
    # yearly plans keep most of their work lines; 0.6 is deliberately cautious.
    continuity_rate: float = 0.6
    # The share is re-estimated per plan pair from the pairs (EM on the mixing weight), with
    # this many pseudo-tasks of `continuity_rate` so that an excerpt cannot move it far.
    continuity_prior_strength: float = 20.0
    continuity_em_iterations: int = 2  # after a first estimate from content alone
    # Prior probability that a plan keeps the previous plan's heading scheme (the plans are
    # regrouped every few years; the synthetic series regroups with probability 0.25 a year).
    structure_kept_prior: float = 0.75
    # Prior share of dropped tasks that come back after an absence: most drops are final.
    gap_continuity_rate: float = 0.15
    # Below this many pairs per plan pair every pair is compared (about 220 × 220
    # tasks): blocking only exists to make large inputs feasible.
    exhaustive_pairs_max: int = 50_000
    # Character n-gram blocking: for every task keep its best `ngram_top_k` partners by
    # cosine over the informative bigrams in at most `ngram_max_df` of a plan's tasks.
    ngram_top_k: int = 10
    ngram_max_df: float = 0.01
    ngram_min_df_cap: int = 20
    ngram_min_cosine: float = 0.05  # pairs sharing less rare content are left to the other rules
    # Sorted-neighbourhood blocking inside one lead-department line.
    neighbourhood_size: int = 2
    # Blocking by a shared anchor (law, title, campaign) skips anchors named by more tasks than this.
    title_block_max: int = 50
    # Pairs sampled per plan pair to estimate how often each comparison level occurs
    # among non-matches (Fellegi–Sunter u probabilities).
    u_sample_pairs: int = 20_000
    u_prior_strength: float = 200.0  # pseudo-count pulling sparse u estimates to defaults
    u_em_iterations: int = 2
    # A second partner counts as a split (merge) part when at least this share of its
    # informative bigrams lies inside the task it was split from (merged into).
    part_containment: float = 0.8
    workers: int = -1  # rapidfuzz threads
    seed: int = 0


DEFAULT_CONFIG = MatchConfig()
