"""Small hand-made report tables (synthetic task texts, not plan text) for the rendering tests.

The frames have the columns of the report views they stand for (warehouse/sql/40_rpt_*.sql).
"""

from __future__ import annotations

import pandas as pd

from transforms.reports import Overview, PairReport, PlanInfo

PLAN_A = PlanInfo("2016", 2016, "2016年示例推进计划", None, 4, False)
PLAN_B = PlanInfo("2020", 2020, "2020年示例推进计划", "示例〔2020〕1号", 5, True)

TASK_COLUMNS = ["change", "kind", "aligned_by", "lineage_id", "from_task_key", "from_task_no", "from_section_path",
                "from_text", "from_department_clause", "from_truncated", "to_task_key", "to_task_no",
                "to_section_path", "to_text", "to_department_clause", "to_truncated", "returns_from"]


def task_rows() -> pd.DataFrame:
    rows = [
        ("continued", "department_changed", "link", "L1", "1.2", 2, "1", "积极推动示例法第三次修订。",
         "版权局、法制办按职责分别负责", False, "2.1.23", 23, "2.1", "配合做好《示例法》修订工作。",
         "中央宣传部、广电总局负责", False, None),
        ("continued", "stage_advanced", "link", "L2", "1.3", 3, "1", "研究制定示例办法。", "农业部负责", False,
         "2.1.24", 24, "2.1", "实施示例办法。", "农业农村部负责", False, None),
        ("continued", None, "lineage", "L3", "1.4", 4, "1", "开展示例行动。", None, False,
         "2.2.25", 25, "2.2", "开展示例行动。", None, False, None),
        ("dropped", None, None, "L4", "1.1", 1, "1", "修订示例规定。", "商务部负责", False,
         None, None, None, None, None, None, None),
        ("new", None, None, "L5", None, None, None, None, None, None, "2.1.22", 22, "2.1",
         "推动示例条例立法。", "司法部负责", False, "2015"),
        ("new", None, None, "L6", None, None, None, None, None, None, "2.2.26", 26, "2.2",
         "发布<b>示例</b>|指南*。", "知识产权局负责", True, None),
    ]
    frame = pd.DataFrame(rows, columns=TASK_COLUMNS).assign(from_plan="2016", to_plan="2020")
    # the dtypes DuckDB gives these columns (nullable integers and booleans)
    return frame.astype({"from_task_no": "Int64", "to_task_no": "Int64", "from_truncated": "boolean",
                         "to_truncated": "boolean"})


def shift_rows() -> pd.DataFrame:
    columns = ["from_task_no", "to_task_no", "shift", "from_name", "to_name", "lineage_name", "involves_lead"]
    rows = [(2, 23, "reform", "版权局", "中央宣传部", "中央宣传部", True),
            (2, 23, "left", "法制办", None, "司法部", False),
            (2, 23, "joined", None, "广电总局", "广电总局", False),
            (3, 24, "reform", "农业部", "农业农村部", "农业农村部", True)]
    return pd.DataFrame(rows, columns=columns)


def pair_report() -> PairReport:
    counts = {"continued": 3, "department_changed": 1, "stage_advanced": 1, "via_lineage": 1, "new": 2, "dropped": 1}
    workload = pd.DataFrame({"lineage_name": ["中央宣传部", "农业农村部"], "from_tasks": [1, 1], "to_tasks": [1, 1]})
    sections = pd.DataFrame([("2016", "1", 1, "一", "严格保护"), ("2020", "2", 1, "二", "加大保护力度"),
                             ("2020", "2.1", 2, "（一）", "完善法规"), ("2020", "2.2", 2, "（二）", "强化执法")],
                            columns=["plan_id", "section_path", "level", "number", "title"])
    warnings = pd.DataFrame([("2016", "truncated", "9", None), ("2020", "validation", "", "示例.md: 示例警告")],
                            columns=["plan_id", "kind", "detail", "message"])
    return PairReport(PLAN_A, PLAN_B, counts, task_rows(), shift_rows(), workload, sections, warnings)


def overview() -> Overview:
    plans = [PlanInfo("2015", 2015, "2015年示例", None, 3, False), PLAN_A, PLAN_B]
    pairs = pd.DataFrame([("2015", "2016", 1, 2, 2, 3, 0.3333, False, False),
                          ("2016", "2020", 3, 2, 1, 4, 0.75, False, True)],
                         columns=["from_plan", "to_plan", "continued", "new", "dropped", "from_task_count",
                                  "continuity_rate", "from_complete", "to_complete"])
    timeline = pd.DataFrame([("L1", "2015", 2015, 1, "开展示例行动。"), ("L1", "2020", 2020, 25, "开展示例行动。"),
                             ("L2", "2016", 2016, 3, "研究制定示例办法。"), ("L2", "2020", 2020, 24, "实施示例办法。"),
                             ("L3", "2020", 2020, 22, "推动示例条例立法。")],
                            columns=["lineage_id", "plan_id", "year", "task_no", "text"])
    spans = pd.DataFrame([("L1", "2015", 2015, "2020", 2020, 2, ["2016"], 25, "开展示例行动。"),
                          ("L2", "2016", 2016, "2020", 2020, 2, [], 24, "实施示例办法。"),
                          ("L3", "2020", 2020, "2020", 2020, 1, [], 22, "推动示例条例立法。")],
                         columns=["lineage_id", "first_plan", "first_year", "last_plan", "last_year", "plans_present",
                                  "gap_plans", "last_task_no", "last_text"])
    departments = pd.DataFrame([(2016, "cpd", "中央宣传部", 1, 1), (2020, "cpd", "中央宣传部", 3, 2),
                                (2020, "mara", "农业农村部", 1, 1)],
                               columns=["year", "lineage_id", "lineage_name", "tasks_named", "tasks_led"])
    return Overview(plans, pairs, timeline, spans, departments)
