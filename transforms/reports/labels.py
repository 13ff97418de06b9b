"""Interface labels of the reports in Chinese and English (`--lang zh|en`).

Only the labels are translated; plan text, section titles and department names are always
shown as the plans print them. A label may hold `{placeholders}` filled by `Labels.__call__`.
"""

from __future__ import annotations

LANGS = ("zh", "en")

# key: (Chinese, English)
LABELS: dict[str, tuple[str, str]] = {
    # titles and sections of the pair report
    "pair_title": ("{from_plan} → {to_plan} 推进计划对比", "Promotion plans compared: {from_plan} → {to_plan}"),
    "at_a_glance": ("概览", "At a glance"),
    "flow_chart": ("任务流向", "Where the tasks went"),
    "comparison": ("任务对照", "Task comparison (任务对照)"),
    "comparison_hint": ("按工作脉络对齐；删除的文字标为删除线，新增的文字加底色。",
                        "Aligned by line of work; removed characters are struck through, added ones highlighted."),
    "new_by_section": ("新增任务（按章节）", "New tasks by section"),
    "dropped_by_section": ("未延续任务（按章节）", "Dropped tasks by section"),
    "responsibility": ("职责变化", "Responsibility shifts"),
    "stage": ("阶段推进（如 出台 → 实施）", "Stage advanced (e.g. 出台 issued → 实施 implemented)"),
    "workload": ("部门任务量（按机构沿革合并）", "Department workload (along department lineage)"),
    "data_quality": ("数据质量", "Data quality"),
    "data_docs": ("每项质量检查的结果（Great Expectations Data Docs）",
                  "The result of every data-quality check (Great Expectations Data Docs)"),
    "data_docs_hint": ("由 ipplans validate --docs 生成和更新，无需联网即可打开。",
                       "built and refreshed by ipplans validate --docs; they open without a network."),
    "partial_note": ("{plan}：部分文件，仅存开头部分；此处缺少的任务可能存在于完整文件中。",
                     "{plan}: partial document: only the opening part survived; tasks absent here may exist "
                     "in the full plan."),
    "none": ("无", "none"),
    "resumes": ("延续 {plan} 的工作脉络", "resumes a line last seen in {plan}"),
    "truncated": ("本副本中文本不完整", "cut short in this copy"),
    "warning_no_links": ("仓库中没有任务关联：请先运行匹配步骤。", "no task links in the warehouse: run the matching step first."),
    "warning_truncated": ("任务 {detail} 在本副本中文本不完整。", "task {detail} is cut short in this copy."),
    "warning_differences": ("两个副本中有 {detail} 项任务文字不同（见 ipplans sources {plan}）。",
                            "{detail} task(s) read differently in two copies (see ipplans sources {plan})."),
    # headline counts and link kinds
    "continued": ("延续", "continued"),
    "identical": ("原文保留", "identical"),
    "reworded": ("改写", "reworded"),
    "widened": ("扩展", "widened"),
    "narrowed": ("收窄", "narrowed"),
    "split": ("拆分", "split"),
    "merged": ("合并", "merged"),
    "department_changed": ("部门调整", "departments changed"),
    "stage_advanced": ("阶段推进", "stage advanced"),
    "via_lineage": ("隔年延续", "resumed line"),
    "new": ("新增", "new"),
    "dropped": ("未延续", "dropped"),
    # responsibility shifts
    "lead_changed": ("牵头部门变更", "lead department changed"),
    "joined": ("新增部门", "department joined"),
    "left": ("不再列名", "department left"),
    "reform": ("机构改革", "institutional reform"),
    "lead": ("牵头", "lead"),
    # column headers
    "task": ("任务", "Task"),
    "change": ("变化", "Change"),
    "before": ("之前", "Before"),
    "after": ("之后", "After"),
    "department_line": ("机构脉络", "Department line"),
    "plan": ("计划", "Plan"),
    "title": ("标题", "Title"),
    "tasks": ("任务数", "Tasks"),
    "complete": ("完整", "Complete"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "message": ("说明", "Note"),
    "report": ("报告", "Report"),
    "tasks_of": ("{plan} 任务数", "tasks in {plan}"),
    # the overview
    "overview_title": ("推进计划多年概览", "Promotion plans over the years"),
    "plans": ("计划一览", "Plans"),
    "continuity": ("逐年延续率", "Continuity per year pair"),
    "continuity_rate": ("延续率", "continuity rate"),
    "continuity_hint": ("延续率 = 前一计划中在后一计划继续出现的任务占比。",
                        "Continuity rate = share of the earlier plan's tasks that continue in the next plan."),
    "timeline": ("工作脉络时间线", "Lines of work over time"),
    "timeline_hint": ("每行是一条跨年度的工作脉络；虚线表示中间计划中缺席。单年出现的脉络：{count} 条。",
                      "Each row is a line of work found in two or more plans; a dashed line marks plans it is "
                      "absent from. Lines found in one plan only: {count}."),
    "longest": ("持续最久的工作脉络", "Longest-running lines of work"),
    "first_seen": ("首次", "first"),
    "last_seen": ("最近", "latest"),
    "plans_present": ("出现次数", "plans"),
    "gaps": ("缺席", "gaps"),
    "latest_text": ("最近表述", "latest wording"),
    "departments_by_year": ("各部门逐年任务数（按机构沿革）", "Tasks per department per year (along department lineage)"),
    "departments_hint": ("数字为列名任务数，括号内为牵头数；机构改革前后的名称合并为一条脉络。",
                         "Tasks naming the department (led in brackets); bodies before and after a reform "
                         "count as one line."),
    "partial_legend": ("部分文件", "partial document"),
    # the history of one line of work (lineage pages) and progress in the overview
    "lineage_title": ("工作脉络 {lineage}", "Line of work {lineage}"),
    "back_to_overview": ("返回概览", "Back to the overview"),
    "history": ("历年表述", "Wording plan by plan"),
    "history_hint": ("每次出现与上一次相比：删除的文字标为删除线，新增的文字加底色。↑ 阶段推进；✓ 表述为已完成。",
                     "Each appearance against the previous one: removed characters struck through, added ones "
                     "highlighted. ↑ stage advanced; ✓ reads as finished."),
    "stage_column": ("阶段", "Stage"),
    "lead_column": ("牵头部门（今属）", "Lead (line today)"),
    "departments_column": ("部门", "Departments"),
    "wording": ("表述", "Wording"),
    "years": ("各年情况", "Plan by plan and year by year"),
    "status_present": ("出现", "present"),
    "status_absent": ("未出现（完整计划）", "absent (complete plan)"),
    "status_partial": ("未见（仅载入部分文件）", "not in the part loaded (partial plan)"),
    "status_not_loaded": ("未载入该年计划", "no plan loaded"),
    "open_history": ("历年表述", "history"),
    "progress": ("工作脉络进展", "Progress of the lines of work"),
    "progress_hint": ("阶段取自审定的阶段词表（研究 → 起草 → 推进 → 出台 → 实施 → 完成）；一项任务含多个阶段时取最靠后者。"
                      "仅列出现于两个及以上计划的脉络。",
                      "Stages come from the reviewed stage vocabulary (研究 → 起草 → 推进 → 出台 → 实施 → 完成); a task "
                      "with several keeps the most advanced. Only lines found in two or more plans are listed."),
    "stalled": ("出现 {count} 次及以上而阶段未推进", "Recurring {count} times or more without advancing"),
    "advanced": ("阶段有推进", "Advanced"),
    "finished": ("最近一次表述为已完成（出台、颁布、完成、建成）", "Last appearance reads as finished (出台, 颁布, 完成, 建成)"),
    "stages_column": ("各次阶段", "Stages"),
    "last_advance": ("最近推进于", "last advanced in"),
    # a search result page (ipplans search QUERY --out DIR)
    "search_title": ("检索：{query}", "Search: {query}"),
    "search_summary": ("{tasks} 项任务，{lines} 条工作脉络", "{tasks} tasks in {lines} lines of work"),
    "search_hint": ("按相关程度排序：先列引用该文件名称的任务，再列含完整检索词的任务，再列含检索词大部分字符的任务。",
                    "Best first: tasks citing the query as a document, then tasks holding the exact phrase, then "
                    "tasks holding most of its characters."),
    "match": ("匹配", "Match"),
    "match_document": ("文件名称", "document"),
    "match_phrase": ("完整词语", "phrase"),
    "match_partial": ("部分字符", "partial"),
    "footer": ("由 ipplans 根据仓库数据生成。", "Generated by ipplans from the warehouse."),
}


class Labels:
    """Label lookup for one language: `t("pair_title", from_plan="2016", to_plan="2020")`."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
        self.lang = lang
        self._column = LANGS.index(lang)

    def __call__(self, key: str, **values: object) -> str:
        text = LABELS[key][self._column]
        return text.format(**values) if values else text
