"""SVG charts for the HTML reports: task flow between two plans, the lineage timeline, workload bars.

Each chart is computed here as plain geometry (dataclasses of rectangles, paths and labels) and
drawn by a small SVG template, so labels stay text: the viewer's CJK fonts draw the Chinese, and
the text can be searched and copied. Sizes are in SVG user units; the HTML scales the chart down
to the page width.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from transforms.reports.labels import Labels
from transforms.reports.model import LINK_KINDS, PlanInfo, lineage_stem
from transforms.reports.templating import render

# One colour per link kind and for new / dropped (colour-blind-safe Okabe–Ito based palette)
COLOURS = {
    "identical": "#0072B2", "reworded": "#56B4E9", "widened": "#009E73", "narrowed": "#CC79A7",
    "split": "#E69F00", "merged": "#D55E00", "department_changed": "#8C6BB1", "stage_advanced": "#F0C400",
    "via_lineage": "#7F9FB0", "new": "#2CA25F", "dropped": "#A0A0A0",
}
SERIES_COLOURS = ("#9ECAE1", "#3182BD", "#FDAE6B", "#E6550D", "#A1D99B", "#31A354", "#BCBDDC", "#756BB1")


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    x: float
    y: float
    height: float
    colour: str
    label_y: float  # labels are spread apart when nodes are thin


@dataclass(frozen=True)
class Band:
    path: str
    colour: str
    title: str


def flow_chart(tasks: pd.DataFrame, from_plan: PlanInfo, to_plan: PlanInfo, t: Labels) -> Markup:
    """Sankey-like bands: each kind of continuation joins its tasks in both plans; dropped and new stand alone."""
    left_counts, right_counts = _flow_counts(tasks)
    width, top, height, bar = 760, 40, 300, 16
    scale = height / max(sum(left_counts.values()), sum(right_counts.values()), 1)
    left = _stack(left_counts, 220, top, scale, t)
    right = _stack(right_counts, width - 220 - bar, top, scale, t)
    by_key = {node.key: node for node in right}
    bands = [_band(node, by_key[node.key], bar) for node in left if node.key in by_key]
    return Markup(render("flow.svg.j2", width=width, height=top + height + 60, bar=bar, left=left, right=right,
                         bands=bands, from_label=t("tasks_of", plan=from_plan.plan_id) + f" {from_plan.task_count}",
                         to_label=t("tasks_of", plan=to_plan.plan_id) + f" {to_plan.task_count}", top=top))


def _flow_counts(tasks: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Tasks per kind on each side (a split task is one on the left, several on the right)."""
    continued = tasks[tasks["change"] == "continued"].assign(kind=lambda f: f["kind"].fillna("via_lineage"))
    left, right = {}, {}
    for kind in (*LINK_KINDS, "via_lineage"):
        rows = continued[continued["kind"] == kind]
        if len(rows):
            left[kind] = rows["from_task_key"].nunique()
            right[kind] = rows["to_task_key"].nunique()
    left["dropped"] = int((tasks["change"] == "dropped").sum())
    right["new"] = int((tasks["change"] == "new").sum())
    return ({k: v for k, v in left.items() if v}, {k: v for k, v in right.items() if v})


def _stack(counts: dict[str, int], x: float, top: float, scale: float, t: Labels) -> list[Node]:
    nodes, y, label_y = [], top, top - 14.0
    for key, count in counts.items():
        height = max(count * scale, 2.0)  # a thin node must stay visible
        label_y = max(y + height / 2 + 4, label_y + 15)  # keep labels at least one line apart
        nodes.append(Node(key, f"{t(key)} {count}", x, y, height, COLOURS[key], label_y))
        y += height + 6
    return nodes


def _band(a: Node, b: Node, bar: float) -> Band:
    x0, x1 = a.x + bar, b.x
    middle = (x0 + x1) / 2
    path = (f"M{x0:.1f},{a.y:.1f} C{middle:.1f},{a.y:.1f} {middle:.1f},{b.y:.1f} {x1:.1f},{b.y:.1f} "
            f"L{x1:.1f},{b.y + b.height:.1f} C{middle:.1f},{b.y + b.height:.1f} {middle:.1f},"
            f"{a.y + a.height:.1f} {x0:.1f},{a.y + a.height:.1f} Z")
    return Band(path, a.colour, f"{a.label} → {b.label}")


@dataclass(frozen=True)
class TimelineRow:
    y: float
    label: str
    title: str
    dots: list[tuple[float, str]]         # (x, tooltip)
    segments: list[tuple[float, float, bool]]  # (x0, x1, across a gap)
    href: str                             # the line's history page


def timeline_chart(spans: pd.DataFrame, timeline: pd.DataFrame, plans: list[PlanInfo], t: Labels) -> Markup:
    """One row per line of work found in two or more plans: a dot per plan, dashed across absences."""
    label_width, column, row_height, top = 300, 80, 22, 46
    columns = {plan.plan_id: label_width + column * (i + 0.5) for i, plan in enumerate(plans)}
    rows = [_timeline_row(span, timeline, plans, columns, top + row_height * (i + 0.5))
            for i, span in enumerate(spans.itertuples())]
    partial = [(columns[p.plan_id] - column / 2, p.plan_id) for p in plans if not p.complete]
    height = top + row_height * len(rows) + 30
    return Markup(render("timeline.svg.j2", width=label_width + column * len(plans) + 20, height=height,
                         rows=rows, columns=columns, column=column, top=top, partial=partial,
                         partial_label=t("partial_legend"), label_width=label_width))


def _timeline_row(span, timeline: pd.DataFrame, plans: list[PlanInfo], columns: dict, y: float) -> TimelineRow:
    present = timeline[timeline["lineage_id"] == span.lineage_id].set_index("plan_id")
    order = [p.plan_id for p in plans if p.plan_id in present.index]
    dots = [(columns[p], f"{p} · {present.at[p, 'task_no']} · {present.at[p, 'text']}") for p in order]
    index = {p.plan_id: i for i, p in enumerate(plans)}
    segments = [(columns[a], columns[b], index[b] - index[a] > 1) for a, b in zip(order, order[1:])]
    return TimelineRow(y, _shorten(span.last_text, 20), span.last_text, dots, segments,
                       f"{lineage_stem(span.lineage_id)}.html")


@dataclass(frozen=True)
class BarRow:
    y: float
    label: str
    bars: list[tuple[float, float, str, str]]  # (y, length, colour, value label)


def workload_bars(names: list[str], values: list[list[int]], legend: list[str]) -> Markup:
    """Grouped horizontal bars: one group per department line (`names`), one bar per series (`legend`);
    `values[i][k]` is the count of line i in series k."""
    label_width, bar_area, bar_height = 130, 540, 11
    largest = max((v for row in values for v in row), default=0) or 1
    group_height = bar_height * len(legend) + 10
    rows = []
    for i, (name, counts) in enumerate(zip(names, values)):
        y = 34 + i * group_height
        bars = [(y + k * bar_height, bar_area * count / largest, SERIES_COLOURS[k % len(SERIES_COLOURS)], str(count))
                for k, count in enumerate(counts)]
        rows.append(BarRow(y, name, bars))
    keys = [(label, SERIES_COLOURS[k % len(SERIES_COLOURS)]) for k, label in enumerate(legend)]
    return Markup(render("bars.svg.j2", width=label_width + bar_area + 60, height=44 + group_height * len(rows),
                         rows=rows, legend=keys, label_width=label_width, bar_height=bar_height - 2))


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length] + "…"
