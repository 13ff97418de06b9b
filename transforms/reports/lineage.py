"""The history page of one line of work: `LineageHistory` in, Markdown and HTML text out.

One page per lineage found in two or more plans, at `lineages/<lineage_id>.md|.html` beside the pair
reports, which link to it from their 任务对照 rows, as the overview does from its timeline and tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from transforms.history import LineageHistory, lead_label, stage_label
from transforms.reports.labels import Labels
from transforms.reports.model import RenderedReport, lineage_stem
from transforms.reports.templating import pieces_html, pieces_markdown, render


@dataclass(frozen=True)
class HistoryRow:
    plan_id: str
    task_no: int
    stage: str
    lead: str
    departments: str
    before_html: Markup
    after_html: Markup
    before_markdown: str
    after_markdown: str


def render_lineage_page(history: LineageHistory, lang: str = "zh") -> RenderedReport:
    t = Labels(lang)
    title = t("lineage_title", lineage=history.lineage_id)
    context = {"history": history, "rows": history_rows(history), "title": title, "lang": lang, "t": t,
               "subtitle": " → ".join(history.plans), "latest": history.appearances[-1].row.text,
               "years": [(y.label, y.status, t(f"status_{y.status}")) for y in history.years]}
    return RenderedReport(stem=lineage_stem(history.lineage_id), title=title,
                          markdown=render("lineage.md.j2", **context), html=render("lineage.html.j2", **context),
                          artifact=False)


def history_rows(history: LineageHistory) -> list[HistoryRow]:
    rows = []
    for a in history.appearances:
        rows.append(HistoryRow(a.row.plan_id, a.row.task_no, stage_label(a), lead_label(a.row),
                               "、".join(a.row.departments),
                               pieces_html(list(a.before)), pieces_html(list(a.after)),
                               pieces_markdown(list(a.before)), pieces_markdown(list(a.after))))
    return rows
