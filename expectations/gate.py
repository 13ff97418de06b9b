"""Placeholder until the suites land: no checks yet."""


def check_plan_load(con, load) -> list[str]:
    return []
