"""Flow `publish`: the reports a `report` run wrote, as Prefect artifacts.

One Markdown artifact per pair report and the overview (the text of its `.md` file, so an
artifact says exactly what the file says), and one table artifact listing them with the paths
of their files. Artifacts live in Prefect's database, which may be wiped; the files stay
canonical. Each task is one call of `prefect.artifacts.create_markdown_artifact` or
`create_table_artifact`.

Run it: `ipplans report --all` runs `report`, then `publish(summary.reports)`.
"""

from __future__ import annotations

import re
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.parameters import flow
from flows.report_files import WrittenReport

publish_report_task = task(create_markdown_artifact, name="publish-report", cache_policy=NO_CACHE)
publish_index_task = task(create_table_artifact, name="publish-index", cache_policy=NO_CACHE)


def artifact_key(report: WrittenReport, lang: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", f"report-{report.stem}-{lang}".lower()).strip("-")


@flow(name="publish")
def publish(reports: list[WrittenReport], lang: str = "zh") -> list[str]:
    """Publish each report meant for it (`artifact`) and an index of them; returns the artifact keys."""
    keys, rows = [], []
    for report in (report for report in reports if report.artifact):
        key, html = artifact_key(report, lang), Path(report.html).resolve()
        publish_report_task(key=key, markdown=Path(report.markdown).read_text(encoding="utf-8"),
                            description=f"{report.title} — {html}")
        keys.append(key)
        rows.append({"report": report.title, "artifact": key, "html": str(html),
                     "markdown": str(Path(report.markdown).resolve())})
    index_key = f"report-index-{lang}"
    publish_index_task(key=index_key, table=rows, description="Reports written by the report flow")
    return [*keys, index_key]
