"""Hand-made task frames for the matching tests: one call per task, defaults for the rest."""

from __future__ import annotations

import re

import pandas as pd

from transforms.matching.frames import TASK_COLUMNS


def task(plan: str, no: int, text: str, departments=(), lines=None, *, titles=None, section: str = "1",
         section_title: str = "加强知识产权保护", truncated: bool = False, position: int | None = None,
         complete: bool = True) -> dict:
    """One task row; department lines default to the names themselves, titles to the 《》 in the text."""
    start, _, end = plan.partition("-")
    return {
        "plan_id": plan, "period_start": int(start), "period_end": int(end or start),
        "task_key": f"{section}.{no}", "task_no": no, "position": position or no, "section_path": section,
        "section_title": section_title, "text": text, "departments": list(departments),
        "lineage_ids": list(lines) if lines is not None else list(departments),
        "cited_titles": list(titles) if titles is not None else re.findall(r"《([^《》]+)》", text),
        "truncated": truncated, "plan_complete": complete and not truncated,
    }


def frame(*rows: dict) -> pd.DataFrame:
    """The tasks frame; a plan with a truncated task is partial."""
    table = pd.DataFrame(list(rows), columns=list(TASK_COLUMNS))
    table["plan_complete"] = table.groupby("plan_id")["plan_complete"].transform("all")
    return table


# Texts of made-up tasks, distinct enough that only the intended pairs match.
PATENT = "配合做好《专利法》修改，推进《专利法实施细则》修订，完善相关领域审查标准。"
COPYRIGHT = "配合做好《著作权法》修订工作，推动作品登记制度改革。"
CUSTOMS = "组织开展知识产权海关保护“龙腾2020”专项行动，开展出口侵权商品专项整治。"
PIRACY = "开展打击网络侵权盗版“剑网2020”专项行动，针对短视频平台开展专项治理。"
SEEDS = "推动修订《植物新品种保护条例》，加快林草植物新品种测试机构建设。"
EDUCATION = "推动高校设置知识产权本科专业，打造一批知识产权一流课程和教材。"
FINANCE = "开展知识产权质押融资入园惠企行动，鼓励保险公司开发知识产权保险产品。"
GEO = "实施地理标志运用促进工程，开展地理标志助力乡村振兴行动。"
