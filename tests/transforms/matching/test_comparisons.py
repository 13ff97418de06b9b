"""Comparison signals and levels on pairs of hand-made tasks (one case per behaviour)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.transforms.matching.helpers import COPYRIGHT, EDUCATION, PATENT, frame, task
from transforms.matching.anchors import bare_instruments, normalize_anchor
from transforms.matching.comparisons import (
    ANCHOR_EXACT,
    ANCHOR_MENTION,
    ANCHOR_ONE_SIDED,
    ANCHOR_RELATED,
    ANCHORS,
    DEPARTMENTS,
    TEXT,
    compare,
)
from transforms.matching.features import prepare_features
from transforms.matching.pairs import make_pairs, to_frame
from transforms.matching.text import fold, normalize_text


def signals(earlier: dict, later: dict) -> pd.Series:
    features = prepare_features(frame(earlier, later))
    return to_frame(compare(features, make_pairs([0], [1], "test"), workers=1)).iloc[0]


CASES = [
    # (id, earlier task, later task, signal, expected value)
    ("campaign year tokens are ignored: 剑网2015 ~ 剑网2020",
     task("2015", 1, "开展打击网络侵权盗版“剑网2015”专项行动。"),
     task("2020", 1, "开展打击网络侵权盗版“剑网2020”专项行动。"), "anchor_match", ANCHOR_EXACT),
    ("龙腾2020 ~ 龙腾2021, and the texts then read the same",
     task("2020", 1, "组织开展知识产权海关保护“龙腾2020”专项行动。"),
     task("2021", 1, "组织开展知识产权海关保护“龙腾2021”专项行动。"), "text_ratio", 1.0),
    ("the state prefix of a law title is dropped",
     task("2016", 1, "推动《中华人民共和国著作权法》修订。"), task("2020", 1, COPYRIGHT), "anchor_match", ANCHOR_EXACT),
    ("a law and its implementing regulation are related documents",
     task("2020", 1, COPYRIGHT), task("2021", 1, "推进修改《著作权法实施条例》。"), "anchor_match", ANCHOR_RELATED),
    ("a law named without 《》 is the same law",
     task("2016", 1, "积极推动著作权法第三次修订。"), task("2020", 1, COPYRIGHT), "anchor_match", ANCHOR_EXACT),
    ("a title written without 《》 counts as a mention",
     task("2015", 1, "修订展会知识产权保护办法，加强展会执法。"), task("2016", 1, "修订《展会知识产权保护办法》。"),
     "anchor_match", ANCHOR_MENTION),
    ("a law few tasks name is a specific anchor",
     task("2016", 1, "积极推动著作权法第三次修订。"), task("2020", 1, COPYRIGHT), "anchor_specific", 1.0),
    ("titles on one side only",
     task("2016", 1, EDUCATION), task("2020", 1, PATENT), "anchor_match", ANCHOR_ONE_SIDED),
    ("no titles on either side: unknown",
     task("2016", 1, EDUCATION), task("2020", 1, EDUCATION), "anchor_match", None),
    ("a renamed department on the same line is the same department",
     task("2016", 1, EDUCATION, ["工商总局"], ["samr"]), task("2020", 1, EDUCATION, ["市场监管总局"], ["samr"]),
     "department_overlap", 1.0),
    ("no department clause: department evidence unknown",
     task("2015", 1, EDUCATION), task("2020", 1, EDUCATION, ["教育部"], ["moe"]), "department_overlap", None),
    ("same lead department line",
     task("2016", 1, EDUCATION, ["教育部", "知识产权局"]), task("2020", 1, EDUCATION, ["教育部"]),
     "lead_department", 1.0),
    ("a truncated task is compared with the other task's prefix",
     task("2020", 1, EDUCATION), task("2021", 1, EDUCATION[:12], truncated=True), "text_ratio", 1.0),
    ("a truncated task's surviving text is contained in the full one",
     task("2020", 1, EDUCATION), task("2021", 1, EDUCATION[:14], truncated=True), "text_containment", 1.0),
    ("unrelated texts share no rare content",
     task("2016", 1, EDUCATION), task("2020", 1, PATENT), "text_overlap", 0.0),
]


@pytest.mark.parametrize(("earlier", "later", "column", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_signal(earlier, later, column, expected):
    value = signals(earlier, later)[column]
    if expected is None:
        assert math.isnan(value)
    else:
        assert value == pytest.approx(expected)


LEVEL_CASES = [
    ("identical texts are near-identical", TEXT, {"text_ratio": 0.95, "text_overlap": 1.0, "text_containment": 1.0, "text_specific": 5.0},
     "near-identical (ratio ≥ 0.9)"),
    ("a part of the other task is contained", TEXT, {"text_ratio": 0.5, "text_overlap": 0.6, "text_containment": 0.9, "text_specific": 3.0},
     "one contained in the other (≥ 0.8)"),
    ("nothing shared falls to else", TEXT, {"text_ratio": 0.1, "text_overlap": 0.0, "text_containment": 0.0, "text_specific": 0.0}, "else"),
    ("a mention is as good as the same title", ANCHORS, {"anchor_match": ANCHOR_MENTION, "anchor_specific": 0.0},
     "same document named"),
    ("a shared specific anchor", ANCHORS, {"anchor_match": ANCHOR_EXACT, "anchor_specific": 1.0},
     "same specific document named"),
    ("missing anchors weigh nothing", ANCHORS, {"anchor_match": float("nan"), "anchor_specific": float("nan")},
     "anchor_match unknown"),
    ("same lead with most lines shared", DEPARTMENTS, {"department_overlap": 0.6, "lead_department": 1.0},
     "same lead, mostly the same"),
]


@pytest.mark.parametrize(("comparison", "values", "label"), [case[1:] for case in LEVEL_CASES],
                         ids=[case[0] for case in LEVEL_CASES])
def test_level(comparison, values, label):
    index = comparison.level_index(pd.DataFrame([values]))[0]
    assert comparison.levels[index].label == label


@pytest.mark.parametrize("comparison", [TEXT, ANCHORS, DEPARTMENTS], ids=lambda c: c.name)
def test_levels_are_ordered_null_first_else_last(comparison):
    assert comparison.levels[-1].label == "else"
    nulls = [i for i, level in enumerate(comparison.levels) if level.is_null]
    assert nulls in ([], [0])


def test_normalisation_drops_years_punctuation_and_width():
    assert normalize_text("开展“剑网２０１５”专项行动（2021—2022年）。") == "开展剑网专项行动"
    assert normalize_anchor("《中华人民共和国专利法》") == "专利法"
    assert normalize_anchor("《中华人民共和国著作权法（2020年修正）》") == "著作权法"


@pytest.mark.parametrize(("text", "expected"), [
    ("积极推进专利法第四次修订和《专利代理条例》修订工作", ["专利法"]),  # the 2016 plan's style
    ("加快反不正当竞争法修订工作", ["反不正当竞争法"]),
    ("推动修订著作权法实施条例", ["著作权法", "著作权法实施条例"]),
    ("依法打击侵权，加强知识产权执法和司法保护，健全法律法规", []),  # 法 inside ordinary words
    ("研究制定实施条例，探索新方法，完善管理办法", []),  # generic stems, 方法, bare 办法
])
def test_bare_laws_and_regulations_are_read_from_plain_text(text, expected):
    assert bare_instruments(fold(text)) == expected
