"""Fixtures for the data-quality tests: a warehouse holding the 2020 plan, built once and copied."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.inputs import bundled_sample
from tests.expectations.helpers import copy_of, link_files, load_files


@pytest.fixture(scope="session")
def warehouse_2020(tmp_path_factory) -> Path:
    """A closed warehouse file with the bundled 2020 plan loaded and linked; copy it, never write to it."""
    db = tmp_path_factory.mktemp("template") / "2020.duckdb"
    load_files(db, bundled_sample())
    link_files(db)
    return db


@pytest.fixture
def preloaded_db(warehouse_2020, tmp_path) -> Path:
    return copy_of(warehouse_2020, tmp_path / "warehouse.duckdb")
