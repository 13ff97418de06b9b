"""The scale-out path: the same ingest flow with read/parse on a local Dask cluster.

No code changes: only the task runner differs. Loading stays in the flow's thread.
"""

from __future__ import annotations

import pytest

from flows.ingest import ingest
from flows.settings import RunSettings
from flows.workspace import Workspace
from warehouse.connection import connect

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_ingest_runs_read_and_parse_on_dask(prefect_server, db_path, shared_plans, plan_site, processes):
    from prefect_dask import DaskTaskRunner

    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 1, "threads_per_worker": 2, "processes": processes,
                                            "dashboard_address": None})
    files = [str(shared_plans / name) for name in ("2016.showlaw.txt", "2021-2022.cnipa.txt", "2021-2022.izubei.txt")]
    sources = [*files, plan_site.url("/plans/2019.html"), plan_site.url("/missing.html")]
    summary = ingest.with_options(task_runner=runner)(sources, Workspace.at(db_path))
    assert [(r.source_name, r.status) for r in summary.results] == [
        ("2016.showlaw.txt", "loaded"), ("2021-2022.cnipa.txt", "loaded"), ("2021-2022.izubei.txt", "loaded"),
        ("2019.html", "loaded")]
    assert [(f.location, f.problem.split(" ")[:2]) for f in summary.failures] == [
        (plan_site.url("/missing.html"), ["HTTP", "404"])]
    con = connect(db_path, read_only=True)
    assert con.execute("select plan_id, source_count from plans order by plan_id").fetchall() == [
        ("2016", 1), ("2019", 1), ("2021-2022", 2)]
    con.close()


def test_pipeline_sends_read_and_parse_to_a_running_dask_scheduler(prefect_server, db_path, shared_plans):
    from distributed import LocalCluster

    from flows.pipeline import PipelineFailed, pipeline

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        try:
            summary = pipeline(RunSettings(paths=(str(shared_plans / "2016.showlaw.txt"),),
                                           dask=cluster.scheduler_address),
                               Workspace.at(db_path, reports=db_path.parent / "reports"))
        except PipelineFailed as failed:  # a later step's failure is not what this test is about
            summary = failed.summary
        assert cluster.scheduler.transition_counter > 0  # the scheduler did receive work
    assert [(r.source_name, r.status) for r in summary.ingest.results] == [("2016.showlaw.txt", "loaded")]
