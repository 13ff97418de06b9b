"""A search result as a report page: `ipplans search QUERY --out DIR` writes `DIR/search_<query>.md|.html`.

Beside the other reports, so each line of work found in two or more plans links to its history page
(`lineages/<id>.html`) and the page links back to the overview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from transforms.reports.labels import Labels
from transforms.reports.model import RenderedReport, lineage_stem
from transforms.reports.templating import md, render
from transforms.search import LineageHits, SearchQuery

_UNSAFE_IN_NAME = re.compile(r"[\\/:*?\"<>|\s\x00-\x1f]+")


@dataclass(frozen=True)
class SearchRow:
    plan_id: str
    task_no: int
    match: str
    departments: str
    html: Markup
    markdown: str


@dataclass(frozen=True)
class SearchGroup:
    lineage_id: str
    history: str       # the history page (without suffix), "" when the line is in one plan only
    plans: str         # the plans its hits are in: 2016、2020
    rows: list[SearchRow]


def search_stem(query: SearchQuery) -> str:
    """File name (without suffix) of the page for `query`: its normalised phrase, safe as a file name."""
    return "search_" + (_UNSAFE_IN_NAME.sub("_", query.phrase)[:60] or "query")


def render_search_page(query: SearchQuery, found: list[LineageHits], lineage_pages: set[str],
                       lang: str = "zh") -> RenderedReport:
    """`lineage_pages`: ids of the lineages that have a history page (found in two or more plans)."""
    t = Labels(lang)
    title = t("search_title", query=query.typed.strip())
    groups = [SearchGroup(g.lineage_id, lineage_stem(g.lineage_id) if g.lineage_id in lineage_pages else "",
                          "、".join(g.plans), [_row(hit, t) for hit in g.hits]) for g in found]
    context = {"title": title, "lang": lang, "t": t, "groups": groups,
               "summary": t("search_summary", tasks=sum(len(g.rows) for g in groups), lines=len(groups))}
    return RenderedReport(stem=search_stem(query), title=title, markdown=render("search.md.j2", **context),
                          html=render("search.html.j2", **context), artifact=False)


def _row(hit, t: Labels) -> SearchRow:
    text, spans = hit.task.text, sorted(hit.spans)
    html, markdown, last = [], [], 0
    for start, end in spans:
        html += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        markdown += [md(text[last:start]), "**", md(text[start:end]), "**"]
        last = end
    html.append(escape(text[last:]))
    markdown.append(md(text[last:]))
    match = t(f"match_{hit.match}") + (f" {hit.share:.0%}" if hit.match == "partial" else "")
    return SearchRow(hit.task.plan_id, hit.task.task_no, match, "、".join(hit.task.departments),
                     Markup("").join(html), "".join(markdown))
