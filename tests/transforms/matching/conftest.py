"""Fixtures for the matching tests: the real department registry and the real plans, parsed."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def registry():
    from sources.registry import load_department_registry

    return load_department_registry()


@pytest.fixture(scope="session")
def parsed_plans(shared_plans):
    """file name → ParsedPlan for every real plan in ../shared/plans."""
    from sources.read import read_source
    from transforms.parse import parse_plan

    files = sorted(p for p in shared_plans.iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    return {path.name: parse_plan(read_source(path)) for path in files}
