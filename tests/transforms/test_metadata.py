"""The notice's metadata read from its header (transforms/metadata.py), on quoted addressee lists."""

from __future__ import annotations

import pytest

from transforms.metadata import _addressees


@pytest.mark.parametrize(("header", "names"), [
    # before: one name a line with one 、 in a line read as 中央宣传部最高人民法院 / 最高人民检察院外交部
    ("中央宣传部\n最高人民法院、最高人民检察院\n外交部：", ("中央宣传部", "最高人民法院", "最高人民检察院", "外交部")),
    # a list separated by marks, wrapped inside a name and after one
    ("中央组织部、中央宣传部、最高\n人民法院、最高人民检察院、外交部\n、教育部：",
     ("中央组织部", "中央宣传部", "最高人民法院", "最高人民检察院", "外交部", "教育部")),
    ("中央宣传部（国家版权局）\n最高人民法院、最高人民检察院\n外交部：",
     ("中央宣传部（国家版权局）", "最高人民法院", "最高人民检察院", "外交部")),
], ids=["one-name-a-line-with-a-mark", "marks-wrapped", "noted-name-a-line"])
def test_addressees_over_several_lines(header, names):
    assert _addressees(header) == names
