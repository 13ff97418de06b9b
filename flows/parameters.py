"""`flow`: Prefect's flow decorator, with the parameters each run shows in the UI made JSON by pydantic.

Prefect's `Flow.serialize_parameters` imports FastAPI for its `jsonable_encoder` the first time
a flow runs in a process; that import costs about 0.6 CPU-s, more than the compute of a small
ingest. pydantic (which Prefect already imports) gives the same JSON for what these flows take —
dataclasses such as `Workspace` and `RunSettings`, paths, strings, lists — and a value it cannot
encode is shown as `<TypeName>`, as Prefect shows it. Everything else is Prefect's own `Flow`.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow
from prefect.futures import PrefectFuture
from prefect.states import State
from pydantic_core import to_jsonable_python


class ParametersAsJson(Flow):
    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {key: _as_json(value) for key, value in parameters.items()}


def _as_json(value: Any) -> Any:
    if isinstance(value, (PrefectFuture, State)):  # never resolved for display, as in Prefect
        return f"<{type(value).__name__}>"
    try:
        return to_jsonable_python(value)
    except Exception:  # noqa: BLE001 — any value pydantic cannot encode (a live Progress, a connection)
        return f"<{type(value).__name__}>"


def flow(*, name: str):
    """`@flow(name=...)` as Prefect's, its runs' parameters made JSON without FastAPI."""
    return lambda function: ParametersAsJson(function, name=name)
