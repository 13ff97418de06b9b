"""Year-over-year change reports: tables in, Markdown / HTML / SVG text out (pure, no I/O).

    render_pair_report(PairReport, lang) -> RenderedReport   two plans side by side
    render_overview(Overview, lang) -> RenderedReport        all plans over the years

`warehouse.reports` reads the input dataclasses from the report views; `flows.report` writes
the files and `flows.publish` makes Prefect artifacts of them. Templates: `transforms/reports/templates/`.
"""

from transforms.reports.labels import LANGS
from transforms.reports.model import OVERVIEW_STEM, Overview, PairReport, PlanInfo, RenderedReport, pair_stem
from transforms.reports.overview import render_overview
from transforms.reports.pair import render_pair_report

__all__ = ["LANGS", "OVERVIEW_STEM", "Overview", "PairReport", "PlanInfo", "RenderedReport", "pair_stem",
           "render_overview", "render_pair_report"]
