"""Deciding links from scored pairs: one-to-one, then split and merge parts; overrides win."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transforms.matching.assignment import decide_links, one_to_one_rows
from transforms.matching.comparisons import NULL
from transforms.matching.pairs import from_frame, take, to_frame
from transforms.matching.spec import DEFAULT_SPEC


def scored(rows, text_overlap=0.5, closeness=0.5):
    """rows: (left, right, score, right_in_left, left_in_right); posteriors made consistent."""
    frame = pd.DataFrame(rows, columns=["left", "right", "score", "right_in_left", "left_in_right"])
    frame["text_overlap"] = text_overlap
    frame["text_containment"] = np.minimum(frame["right_in_left"], frame["left_in_right"])
    frame["gamma_documents"] = NULL
    frame["closeness"] = closeness
    frame["score_row"] = frame["score"]
    frame["score_col"] = frame["score"]
    frame["odds"] = frame["score"] / (1 - frame["score"].clip(upper=0.999))  # each pair alone on its two tasks
    frame["row_others"] = 0.0
    frame["col_others"] = 0.0
    frame["match_weight"] = np.log2(frame["score"] / (1 - frame["score"].clip(upper=0.999)))
    return frame


NO_CONFIRMED = pd.DataFrame(columns=["left", "right"], dtype=np.int64)


def decided(rows, confirmed=NO_CONFIRMED, text_overlap=0.5):
    links = to_frame(decide_links(scored(rows, text_overlap), confirmed, DEFAULT_SPEC))
    return {(int(r.left), int(r.right)): (r.status, r.role) for r in links.itertuples()}


def test_assignment_maximises_total_evidence_not_the_single_best_pair():
    # greedy would take (0, 10) at 0.95 and leave 1 with nothing; the optimum pairs both
    pairs = from_frame(scored([(0, 10, 0.95, 0, 0), (0, 11, 0.9, 0, 0), (1, 10, 0.9, 0, 0)]))
    chosen = take(pairs, one_to_one_rows(pairs, np.arange(3), DEFAULT_SPEC["decision"]))
    assert set(zip(chosen["left"], chosen["right"])) == {(0, 11), (1, 10)}


def test_position_breaks_a_tie_between_equal_pairs_and_nothing_else():
    pairs = scored([(0, 10, 0.9, 0, 0), (0, 11, 0.9, 0, 0), (0, 12, 0.92, 0, 0)])
    pairs["closeness"] = [0.2, 0.9, 0.0]
    pairs = from_frame(pairs)
    tied = take(pairs, one_to_one_rows(pairs, np.arange(2), DEFAULT_SPEC["decision"]))
    assert list(tied["right"]) == [11]
    stronger = take(pairs, one_to_one_rows(pairs, np.arange(3), DEFAULT_SPEC["decision"]))
    assert list(stronger["right"]) == [12]


CASES = [
    ("a clear pair is an automatic link", [(0, 10, 0.95, 0.5, 0.5)], {(0, 10): ("auto", "primary")}),
    ("a doubtful pair is listed for review", [(0, 10, 0.5, 0.5, 0.5)], {(0, 10): ("review", "primary")}),
    ("a weak pair is dropped", [(0, 10, 0.1, 0.5, 0.5)], {}),
    ("each task is continued at most once", [(0, 10, 0.95, 0.3, 0.3), (0, 11, 0.9, 0.3, 0.3)],
     {(0, 10): ("auto", "primary")}),
    ("a later task inside the earlier one is a split part",
     [(0, 10, 0.95, 0.9, 0.5), (0, 11, 0.9, 0.9, 0.4)], {(0, 10): ("auto", "primary"), (0, 11): ("auto", "split")}),
    ("an earlier task inside the later one is a merge part",
     [(0, 10, 0.95, 0.5, 0.9), (1, 10, 0.9, 0.4, 0.9)], {(0, 10): ("auto", "primary"), (1, 10): ("auto", "merge")}),
]


@pytest.mark.parametrize(("rows", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_decisions(rows, expected):
    assert decided(rows) == expected


def test_a_confirmed_pair_is_linked_whatever_its_score_and_frees_no_one_else():
    confirmed = pd.DataFrame({"left": [1], "right": [10]})
    links = decided([(0, 10, 0.95, 0.2, 0.2), (1, 10, 0.05, 0.2, 0.2), (0, 11, 0.8, 0.2, 0.2)], confirmed)
    assert links[(1, 10)] == ("confirmed", "primary")
    assert (0, 10) not in links and links[(0, 11)] == ("auto", "primary")


def test_context_alone_never_makes_a_link():
    """Same section, place and departments but no shared text or document: not even for review."""
    assert decided([(0, 10, 0.95, 0.0, 0.0)], text_overlap=0.0) == {}


def _with_side_scores(rows, side_scores):
    """`scored(rows)` with (score_row, score_col) set per (left, right) as a one-to-one run leaves them."""
    frame = scored(rows)
    for (left, right), (row, col) in side_scores.items():
        at = (frame["left"] == left) & (frame["right"] == right)
        frame.loc[at, ["score_row", "score_col"]] = [row, col]
    return frame


def _links(frame, confirmed=NO_CONFIRMED):
    links = to_frame(decide_links(frame, confirmed, DEFAULT_SPEC))
    return {(int(r.left), int(r.right)): (r.status, r.role) for r in links.itertuples()}


# The synthetic series (seed 0, 100 tasks a plan) merged 0 = 持续做好稳步推动文化创意领域资源战略探索科技… and
# 1 = 稳步推进商业秘密领域信息披露电子专业文化高校… into 10 (their two texts in one); 11 is a new task that borrows
# 1's clause 稳步推进商业秘密领域信息披露电子专业文化高校. One-to-one, 10 is taken by 0, so 1 → 10 looked
# explained away (score 0.005) and 1 → 11 won (0.94); with 10 free, 1's posterior of merging into it is 0.99.
MERGE_AND_BORROWER = [(0, 10, 0.99, 0.37, 1.0), (1, 10, 0.005, 0.62, 0.97), (1, 11, 0.94, 0.45, 0.45)]


def test_a_merge_part_replaces_the_weaker_link_the_one_to_one_assignment_gave_its_task():
    links = _links(_with_side_scores(MERGE_AND_BORROWER, {(1, 10): (0.1, 0.99)}))
    assert links == {(0, 10): ("auto", "primary"), (1, 10): ("auto", "merge")}


def test_a_split_part_replaces_the_weaker_link_the_one_to_one_assignment_gave_its_task():
    rows = [(0, 10, 0.99, 1.0, 0.37), (0, 11, 0.005, 0.97, 0.62), (1, 11, 0.94, 0.45, 0.45)]
    links = _links(_with_side_scores(rows, {(0, 11): (0.99, 0.1)}))
    assert links == {(0, 10): ("auto", "primary"), (0, 11): ("auto", "split")}


def test_a_part_never_replaces_a_confirmed_link():
    confirmed = pd.DataFrame({"left": [1], "right": [11]})
    links = _links(_with_side_scores(MERGE_AND_BORROWER, {(1, 10): (0.1, 0.99)}), confirmed)
    assert links == {(0, 10): ("auto", "primary"), (1, 11): ("confirmed", "primary")}
