"""Comparison levels: text, named documents (bracketed or not), department lines."""

from __future__ import annotations

import numpy as np

from tests.transforms.matching.helpers import COPYRIGHT, EDUCATION, FINANCE, GEO, PATENT, SEEDS, frame, task
from transforms.matching.comparisons import NULL, SIGNAL_COLUMNS, compare
from transforms.matching.documents import document_key
from transforms.matching.features import prepare_features
from transforms.matching.pairs import make_pairs
from transforms.matching.spec import DEFAULT_SPEC

FILLER = [EDUCATION, FINANCE, GEO, SEEDS]


def compared(earlier: dict, later: dict, *others: dict):
    features = prepare_features(frame(earlier, *others, later), DEFAULT_SPEC)
    rows = features.tasks.reset_index()
    left = rows[(rows["plan_id"] == earlier["plan_id"]) & (rows["task_no"] == earlier["task_no"])].index[0]
    right = rows[(rows["plan_id"] == later["plan_id"]) & (rows["task_no"] == later["task_no"])].index[0]
    return compare(features, make_pairs([left], [right], "test"), DEFAULT_SPEC), features, (left, right)


def fillers(plan: str, start: int) -> list[dict]:
    return [task(plan, start + i, text) for i, text in enumerate(FILLER)]


def test_document_keys_drop_the_state_prefix_editions_qualifiers_and_unify_connectives():
    assert document_key("中华人民共和国著作权法（2020年修正）") == "著作权法"
    assert document_key("作品自愿登记试行办法") == "作品自愿登记办法"
    assert document_key("生物遗传资源获取和惠益分享管理条例") == document_key("生物遗传资源获取与惠益分享管理条例")


def test_a_document_named_without_brackets_is_found_through_the_vocabulary():
    """2016 writes 专利法第四次修订, 2020 writes 《专利法》: the bare name is the same document."""
    earlier = task("2016", 1, "积极推进专利法第四次修订工作。", ["知识产权局"])
    later = task("2020", 1, "配合做好《中华人民共和国专利法》修改，完善审查标准。", ["知识产权局"])
    pairs, features, (left, right) = compared(earlier, later, *fillers("2016", 2), *fillers("2020", 2))
    assert "专利法" in features.documents[left] and "专利法" in features.documents[right]
    assert pairs["gamma_documents"][0] == 0  # a specific named document shared


def test_the_longest_name_wins_and_generic_words_are_no_document():
    earlier = task("2019", 1, "推进《专利法实施细则》修订，制定《办法》。", ["知识产权局"])
    later = task("2020", 1, "落实《专利法》，出台相关办法。", ["知识产权局"])
    pairs, features, (left, right) = compared(earlier, later, *fillers("2019", 2), *fillers("2020", 2))
    assert features.documents[left] == {"专利法实施细则"} and features.documents[right] == {"专利法"}
    assert pairs["gamma_documents"][0] == 2  # related (one name starts with the other), not shared


def test_tasks_naming_no_document_give_no_document_evidence():
    pairs, _, _ = compared(task("2019", 1, EDUCATION), task("2020", 1, FINANCE))
    assert pairs["gamma_documents"][0] == NULL


def test_department_lines_agree_through_the_reform_lineage_and_never_know_missing_clauses():
    renamed = compared(task("2017", 1, COPYRIGHT, ["版权局"], ["中央宣传部"]),
                       task("2020", 1, COPYRIGHT, ["中央宣传部"], ["中央宣传部"]))[0]
    swapped = compared(task("2019", 1, PATENT, ["商务部", "知识产权局"]), task("2020", 1, PATENT, ["知识产权局", "商务部"]))[0]
    overlap = compared(task("2019", 1, PATENT, ["商务部", "知识产权局"]), task("2020", 1, PATENT, ["知识产权局"]))[0]
    other = compared(task("2019", 1, PATENT, ["商务部"]), task("2020", 1, PATENT, ["教育部"]))[0]
    unknown = compared(task("2019", 1, PATENT), task("2020", 1, PATENT, ["教育部"]))[0]
    assert [p["gamma_departments"][0] for p in (renamed, swapped, overlap, other, unknown)] == [0, 1, 2, 3, NULL]


def test_text_levels_run_from_near_identical_to_else():
    same = compared(task("2019", 1, PATENT), task("2020", 1, PATENT))[0]
    unrelated = compared(task("2019", 1, PATENT), task("2020", 1, EDUCATION))[0]
    levels = DEFAULT_SPEC["comparison"][0]["levels"]
    assert same["gamma_text"][0] == 0 and unrelated["gamma_text"][0] == len(levels) - 1


def test_a_truncated_task_is_compared_on_its_surviving_prefix():
    cut = task("2021", 1, PATENT[:15], truncated=True)
    pairs = compared(task("2020", 1, PATENT), cut)[0]
    assert pairs["text_ratio"][0] == 1.0 and pairs["text_containment"][0] >= 0.8


def test_every_signal_is_a_column():
    pairs = compared(task("2019", 1, PATENT), task("2020", 1, PATENT))[0]
    assert set(SIGNAL_COLUMNS) <= set(pairs) and all(f"gamma_{e['name']}" in pairs for e in DEFAULT_SPEC["comparison"])
    assert np.isfinite(pairs["text_overlap"]).all()


def test_a_rewrite_keeping_one_clause_shares_a_specific_phrase_a_stock_phrase_does_not():
    """A heavy rewrite keeps one clause of the old task and writes the rest anew: its bigram overlap
    is only moderate, but the kept clause is a specific phrase both write. A stock phrase that many
    tasks of every plan write (加强统筹协调形成工作合力) is no specific phrase."""
    stock = "加强统筹协调形成工作合力"
    earlier = task("2019", 1, "推进知识产权特色智库建设，开展重大政策研究，形成一批研究成果。")
    later = task("2020", 1, f"扎实推进知识产权特色智库建设，强化决策咨询服务，{stock}。")
    others = [task(plan, no, f"{text[:-1]}，{stock}。") for plan in ("2019", "2020")
              for no, text in enumerate(FILLER, start=2)]
    pairs, features, (left, right) = compared(earlier, later, *others)
    levels = DEFAULT_SPEC["comparison"][0]["levels"]
    assert pairs["shared_phrases"][0] > 0 and "phrase" in levels[pairs["gamma_text"][0]]
    rows = features.tasks.reset_index()
    education = rows[(rows["plan_id"] == "2019") & rows["text"].str.startswith(EDUCATION[:-1])].index[0]
    finance = rows[(rows["plan_id"] == "2020") & rows["text"].str.startswith(FINANCE[:-1])].index[0]
    stock_only = compare(features, make_pairs([education], [finance], "test"), DEFAULT_SPEC)
    assert stock_only["shared_phrases"][0] == 0 and "phrase" not in levels[stock_only["gamma_text"][0]]
