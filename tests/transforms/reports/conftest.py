"""Fixtures of the rendering tests: the hand-made tables of `tables.py`."""

from __future__ import annotations

import pytest

from tests.transforms.reports import tables
from transforms.reports import Overview, PairReport


@pytest.fixture
def pair_report() -> PairReport:
    return tables.pair_report()


@pytest.fixture
def overview() -> Overview:
    return tables.overview()
