"""Character-level differences between two task texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from transforms.reports.textdiff import Piece, char_diff


def joined(pieces: list[Piece], *ops: str) -> str:
    return "".join(piece.text for piece in pieces if piece.op in ops)


def test_a_rewording_marks_whole_phrases():
    old, new = char_diff("积极推动示例法第三次修订。", "配合做好《示例法》修订工作。")
    assert [p for p in old if p.op == "del"] == [Piece("积极推动", "del"), Piece("第三次", "del")]
    assert [p.text for p in new if p.op == "ins"] == ["配合做好《", "》", "工作"]


def test_a_single_shared_character_between_changes_is_not_shown_as_kept():
    # 的 alone would split one replaced phrase into two; it is folded into the change
    old, new = char_diff("加强甲的乙丙丁。", "完善戊的己丙丁。")
    assert joined(old, "same") == "丙丁。" and joined(new, "ins") == "完善戊的己"


def test_identical_texts_have_no_changes():
    old, new = char_diff("开展示例行动。", "开展示例行动。")
    assert old == new == [Piece("开展示例行动。", "same")]


@given(st.text(alphabet="甲乙丙丁的，。《》ab", max_size=30), st.text(alphabet="甲乙丙丁的，。《》ab", max_size=30))
def test_the_pieces_rebuild_both_texts(old_text, new_text):
    old, new = char_diff(old_text, new_text)
    assert joined(old, "same", "del") == old_text
    assert joined(new, "same", "ins") == new_text
    assert joined(old, "same") == joined(new, "same")
    assert {p.op for p in old} <= {"same", "del"} and {p.op for p in new} <= {"same", "ins"}
