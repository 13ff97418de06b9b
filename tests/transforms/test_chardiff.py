"""Character differences at a bounded cost: exact for task-sized texts, "differs" with lengths beyond."""

from __future__ import annotations

import random

from transforms.chardiff import MAX_COMPARED_CELLS, char_opcodes
from transforms.merge import char_diff
from transforms.reports.textdiff import char_diff as report_diff


def _apply(a: str, b: str, opcodes) -> str:
    return "".join(a[i1:i2] if tag == "equal" else b[j1:j2] for tag, i1, i2, j1, j2 in opcodes)


def test_task_sized_texts_get_an_exact_diff_that_rebuilds_the_new_text():
    a, b = "加强知识产权保护，完善法律法规。", "全面加强知识产权保护，健全法律法规体系。"
    opcodes, exact = char_opcodes(a, b)
    assert exact and _apply(a, b, opcodes) == b
    assert char_diff("全面改革创新试验", "全面创新改革试验") == "全面{+创新+}改革[-创新-]试验"


def test_megabyte_tasks_that_differ_in_the_middle_are_recorded_as_differing_with_lengths():
    rng = random.Random(14)
    # few distinct characters: difflib's worst case, which never finished on two such 1 MB copies
    a = "".join(rng.choices("知识产权保护", k=1_000_000))
    b = a[:400_000] + "".join(rng.choices("知识产权保护", k=200_000)) + a[600_000:]
    opcodes, exact = char_opcodes(a, b)
    assert not exact and _apply(a, b, opcodes) == b
    assert char_diff(a, b) == "differs: 1000000 and 1000000 characters, too long to compare character by character"
    old, new = report_diff(a, b)
    assert "".join(piece.text for piece in new) == b and "".join(piece.text for piece in old) == a


def test_long_copies_with_a_small_change_still_get_an_exact_diff():
    base = "推进知识产权强国建设" * 100_000  # 1 MB
    changed = base[:500_000] + "新增" + base[500_000:]
    opcodes, exact = char_opcodes(base, changed)
    assert exact and [op[0] for op in opcodes] == ["equal", "insert", "equal"]
    assert len(base) ** 2 > MAX_COMPARED_CELLS  # the bound is on what is left between the common ends
