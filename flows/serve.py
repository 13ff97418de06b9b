"""Scheduled runs on one machine: `ipplans serve` registers the deployments and runs them.

Deployments (flow/deployment), both of the `pipeline` flow:
  * `pipeline/daily` — every day at 06:00 Asia/Shanghai: ingest the inbox and every
    catalogue URL, link what changed, rebuild the reports when something changed.
  * `pipeline/weekly` — Mondays at 07:00: nothing to ingest, the reports rebuilt and published
    even when nothing changed.

`prefect.serve` keeps this process polling the Prefect server (it needs a running
server: `ipplans server start`, then `PREFECT_API_URL`); each run executes in a
subprocess. Stopping it (Ctrl-C / SIGTERM) pauses the schedules. For the same
deployments on a work pool and worker, see `flows/prefect.yaml`.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from flows.workspace import Workspace

TIMEZONE = "Asia/Shanghai"  # the plans are published on Beijing time
PIPELINE_CRON = "0 6 * * *"
REPORTS_CRON = "0 7 * * 1"


def deployment_parameters(workspace: Workspace, **settings) -> dict:
    """The pipeline's parameters as a deployment stores them: the workspace's paths made absolute
    (runs execute in their own subprocess), and the settings that differ from RunSettings' defaults."""
    paths = {name: str(Path(path).resolve()) for name, path in asdict(workspace).items()}
    return {"settings": settings, "workspace": paths}


def build_deployments(workspace: Workspace, catalogue_file: Path | None = None, lang: str = "zh") -> list:
    """The RunnerDeployments to serve."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import pipeline

    daily = {"catalogue": True, "lang": lang}
    if catalogue_file:
        daily["catalogue_file"] = str(Path(catalogue_file).resolve())
    module = EntrypointType.MODULE_PATH  # the package is installed, so runs find it from any folder
    return [
        pipeline.to_deployment(name="daily", schedule=Cron(PIPELINE_CRON, timezone=TIMEZONE),
                               parameters=deployment_parameters(workspace, **daily), tags=["ipplans"],
                               entrypoint_type=module,
                               description="Ingest the inbox and the catalogue; link; rebuild reports."),
        pipeline.to_deployment(name="weekly", schedule=Cron(REPORTS_CRON, timezone=TIMEZONE),
                               parameters=deployment_parameters(workspace, inbox=False, reports="always",
                                                                lang=lang),
                               tags=["ipplans"], entrypoint_type=module,
                               description="Rebuild and publish the reports from the warehouse."),
    ]


def serve(workspace: Workspace, catalogue_file: Path | None = None, lang: str = "zh") -> None:
    """Register the deployments and run them when they are due, until stopped."""
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise RuntimeError("schedules need a running Prefect server: run `ipplans server start` (Prefect's "
                           "`prefect server start` in the background), then "
                           "`export PREFECT_API_URL=http://127.0.0.1:4200/api`")
    prefect_serve(*build_deployments(workspace, catalogue_file, lang))
