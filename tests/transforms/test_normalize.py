"""Normalisation steps, each on the real artefacts it exists for."""

from __future__ import annotations

import pytest

from transforms.clauses import split_clause
from transforms.merge import char_diff
from transforms.normalize import (cn_number, normalize_text, remove_stray_spaces, strip_pinyin,
                                  to_simplified, traditional_share, unify_width)


@pytest.mark.parametrize("raw,expected", [
    ("國(guó)家", "國家"),
    ("知【zhī】识", "知识"),
    ("中(zhōng)國(guó)", "中國"),
    ("（TISC）", "（TISC）"),  # an acronym is not pinyin
    ("推动重要行业 and 重点领域", "推动重要行业 and 重点领域"),
])
def test_strip_pinyin(raw, expected):
    assert strip_pinyin(raw) == expected


def test_traditional_to_simplified_and_slips():
    assert to_simplified("知識產權強國建設綱要") == "知识产权强国建设纲要"
    assert to_simplified("人員") == "人员"
    assert to_simplified("推进着作权登记") == "推进著作权登记"
    assert to_simplified("着力推进") == "着力推进"


def test_traditional_share_tells_scripts_apart():
    assert traditional_share("知識產權強國建設綱要和規劃實施年度推進計劃") > 0.5
    assert traditional_share("知识产权强国建设纲要和规划实施年度推进计划") == 0


@pytest.mark.parametrize("raw,expected", [
    ("改革。(知识产权局负责)", "改革。（知识产权局负责）"),
    ("落实,推进;完善:", "落实，推进；完善："),
    ("１２３ＡＢＣ", "123ABC"),
    ("1．制定", "1.制定"),
    ("(1)修订", "（1）修订"),
    ("(2014-2020年)", "（2014-2020年）"),
    ("http://www.gov.cn/a_(b).htm", "http://www.gov.cn/a_(b).htm"),
])
def test_unify_width(raw, expected):
    assert unify_width(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("新建 30 家", "新建30家"),
    ("实施 2020—2021 年", "实施2020—2021年"),
    ("“十四五 ”", "“十四五”"),
    ("“昆仑 2020”", "“昆仑2020”"),
    ("行业 and 重点", "行业 and 重点"),
])
def test_remove_stray_spaces(raw, expected):
    assert remove_stray_spaces(raw) == expected


def test_normalize_text_on_a_mirror_line():
    assert normalize_text("1.推進修訂《專利法》,做好 2024 年工作。(知識產權局負責)") == \
        "1.推进修订《专利法》，做好2024年工作。（知识产权局负责）"


@pytest.mark.parametrize("numeral,value", [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23)])
def test_cn_number(numeral, value):
    assert cn_number(numeral) == value


@pytest.mark.parametrize("task,text,departments,form,after", [
    ("出台意见。（知识产权局负责）", "出台意见。", ("知识产权局",), "负责", ""),
    ("新建中心（TISC）。（知识产权局、教育部负责）", "新建中心（TISC）。", ("知识产权局", "教育部"), "负责", ""),
    ("推进。（商务部、外交部按职责分别负责）", "推进。", ("商务部", "外交部"), "按职责分别负责", ""),
    ("推进。（知识产权局牵头，司法部参与）", "推进。", ("知识产权局", "司法部"), "牵头", ""),
    ("推进。（知识产权局等部门负责）", "推进。", ("知识产权局",), "等部门负责", ""),
    ("推进。（科技部、中国科协负责）上述各项任务分工中。", "推进。", ("科技部", "中国科协"), "负责", "上述各项任务分工中。"),
    ("修订《规定》（一）（二）。", "修订《规定》（一）（二）。", (), None, ""),
])
def test_split_clause(task, text, departments, form, after):
    kept, clause, trailer = split_clause(task)
    assert (kept, clause.departments, clause.form, trailer) == (text, departments, form, after)


def test_char_diff_shows_a_swap():
    diff = char_diff("复制推广全面改革创新试验中的举措", "复制推广全面创新改革试验中的举措")
    assert diff == "复制推广全面{+创新+}改革[-创新-]试验中的举措"
