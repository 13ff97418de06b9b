"""The flow runs the last command left on the test server, read back through Prefect's client."""

from __future__ import annotations


def latest_run_tree() -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """(flow name, state type) of the latest top-level flow run, and of each of its subflow runs."""
    from prefect import get_client
    from prefect.client.schemas.filters import (FlowRunFilter, FlowRunFilterParentFlowRunId,
                                                FlowRunFilterParentTaskRunId)
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        [latest] = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1, flow_run_filter=FlowRunFilter(
            parent_task_run_id=FlowRunFilterParentTaskRunId(is_null_=True)))
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[latest.id])))
        named = [(client.read_flow(run.flow_id).name, run.state_type.value) for run in (latest, *children)]
    return named[0], named[1:]
