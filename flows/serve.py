"""Scheduled runs on one machine: `ipplans serve` registers the deployments and runs them.

Deployments (flow/deployment):
  * `pipeline/daily` — every day at 06:00 Asia/Shanghai: ingest the inbox and every
    catalogue URL, link what changed, rebuild the reports when something changed.
  * `publish-reports/weekly` — Mondays at 07:00: rebuild the reports even when nothing
    changed, e.g. after a manual `ipplans ingest` (which does not write reports).

`prefect.serve` keeps this process polling the Prefect server (it needs a running
server: `prefect server start`, then `PREFECT_API_URL`); each run executes in a
subprocess. Stopping it (Ctrl-C / SIGTERM) pauses the schedules. For the same
deployments on a work pool and worker, see `flows/prefect.yaml`.
"""

from __future__ import annotations

from pathlib import Path

from flows.report_files import DEFAULT_OUT

TIMEZONE = "Asia/Shanghai"  # the plans are published on Beijing time
PIPELINE_CRON = "0 6 * * *"
REPORTS_CRON = "0 7 * * 1"


def build_deployments(db: Path, out: Path | None = None, inbox: Path | None = None,
                      catalogue_file: Path | None = None, lang: str = "zh") -> list:
    """The RunnerDeployments to serve, with absolute paths (runs execute in their own subprocess)."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import pipeline
    from flows.reports import publish_reports

    db = Path(db).resolve()
    out = Path(out).resolve() if out else DEFAULT_OUT.resolve()
    pipeline_params = {"db": str(db), "out": str(out), "catalogue": True,
                       "inbox": str(Path(inbox).resolve()) if inbox else None,
                       "catalogue_file": str(Path(catalogue_file).resolve()) if catalogue_file else None,
                       "lang": lang}
    reports_params = {"db": str(db), "out": str(out), "lang": lang}
    module = EntrypointType.MODULE_PATH  # the package is installed, so runs find it from any folder
    return [
        pipeline.to_deployment(name="daily", schedule=Cron(PIPELINE_CRON, timezone=TIMEZONE),
                               parameters={k: v for k, v in pipeline_params.items() if v is not None},
                               tags=["ipplans"], entrypoint_type=module,
                               description="Ingest the inbox and the catalogue; link; rebuild reports."),
        publish_reports.to_deployment(name="weekly", schedule=Cron(REPORTS_CRON, timezone=TIMEZONE),
                                      parameters=reports_params, tags=["ipplans"], entrypoint_type=module,
                                      description="Rebuild the reports from the warehouse."),
    ]


def serve(db: Path, **options) -> None:
    """Register the deployments and run them when they are due, until stopped."""
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise RuntimeError("schedules need a running Prefect server: run `ipplans server start` (Prefect's "
                           "`prefect server start` in the background), then "
                           "`export PREFECT_API_URL=http://127.0.0.1:4200/api`")
    prefect_serve(*build_deployments(db, **options))
