"""Synthetic series of yearly plans with known task lineages, derived from the 2020 plan.

The bundled 2020 plan (sources/samples/2020.gov.md, read with the project's parser)
is the seed. Each calendar year the plan evolves by the edits real plans show:
rewording (synonym swaps, clauses inserted or deleted, sentences reordered, heavy
rewrites that keep only the named document and a clause), stage advances (研究制定 →
出台 → 实施), year tokens moving on (龙腾2020 → 龙腾2021), co-departments added or
dropped, the lead department changing, department names before the 2018 reform
(工商总局 for 市场监管总局 …), splits, merges, reordering, section headings renamed,
drops (some tasks come back one to three years later, into a section the plan still has),
and new tasks with a subject of their own that borrow clauses of distant tasks (hard
negatives). Some years have no plan and the last plan of a series of four or more spans
two years; some plans in between survive only as opening excerpts (EditRates.excerpt).
Synonym swaps never touch a name in 《》, but a title is now and then written another way
(中华人民共和国 added or dropped, 与 for 和, its 《》 dropped: EditRates.title_variant), and
moves along its line (a law, then its implementing regulation); a rewrite adds a stock phrase
(加强统筹协调) or, as often, new content, and does not stack leading predicates.

Larger sizes add base tasks of their own: clauses of 4–7 words drawn from a vocabulary
that grows with the plan as Heaps' law has it for real text (the seed's words, plus words
coined from its characters; see `plan_vocabulary`), so that distinct tasks are about as
alike as distinct tasks of the real plan: median best-other fuzz.ratio within 100 tasks
28 in the real 2020 plan, 26 and 24 for 1 000 and 10 000-task plans here. Base tasks
recombined from whole seed clauses, as before, made the tasks of a 10 000-task plan
near-duplicates of each other (median 38 within 100 tasks, 61 within the plan).

Truth follows the matcher's lineage semantics: a continued, split or returning task
keeps its lineage; a merged task keeps the lineage of its larger part (the longer text).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

SEED_PLAN = Path(__file__).resolve().parents[1] / "sources" / "samples" / "2020.gov.md"
SEED_YEAR = 2020
REFORM_YEAR = 2018  # departments renamed in the March 2018 State Council reform
SYNONYMS = (
    ("加强", "强化"), ("推进", "推动"), ("完善", "健全"), ("深入", "持续"), ("加快", "积极"),
    ("建立", "构建"), ("提升", "提高"), ("支持", "鼓励"), ("开展", "组织开展"), ("研究", "探索"),
    ("落实", "贯彻落实"), ("规范", "严格规范"), ("打击", "严厉打击"), ("保障", "确保"), ("指导", "引导"),
    ("培育", "培养"), ("建设", "建设完善"), ("机制", "体系"), ("工作", "相关工作"), ("促进", "带动"),
)
FILLER_CLAUSES = (
    "完善工作机制", "加强统筹协调", "强化督促指导", "提升服务水平", "加大工作力度", "形成工作合力",
    "健全长效机制", "强化考核评价", "推动工作落地见效", "做好宣传引导", "加强部门协作", "及时总结推广经验",
)
PREDICATES = ("积极推进", "加快推动", "持续做好", "配合做好", "扎实推进", "深入推进", "继续开展", "稳步推进")
STAGE_STEPS = (("研究制定", "出台"), ("推动制定", "出台"), ("制定出台", "贯彻落实"), ("出台", "实施"))
FIELDS = (
    "集成电路", "生物医药", "新能源汽车", "人工智能", "高端装备", "现代种业", "文化创意", "数字经济",
    "中医药", "海洋经济", "航空航天", "新材料", "区块链", "大数据", "老字号", "地理标志产品",
    "商业秘密", "职务发明", "数据资源", "工业设计", "传统知识", "民间文艺", "体育赛事", "网络直播",
)
# Headings for restructured plans (the plans are regrouped every few years, e.g. with the 2021 纲要).
LEVEL1_HEADINGS = (
    "完善知识产权制度", "强化知识产权保护", "严格保护知识产权", "促进知识产权转化运用", "提高知识产权创造质量",
    "完善知识产权市场运行机制", "提高知识产权公共服务水平", "深化知识产权国际合作", "加强知识产权文化建设",
    "加强组织保障", "推进知识产权管理体制机制改革", "夯实知识产权发展基础",
)
LEVEL2_HEADINGS = (
    "完善法律法规", "加强司法保护", "强化行政保护", "健全协同保护机制", "提升审查质量", "促进运用转化",
    "培育知识产权密集型产业", "加强公共服务", "规范服务业发展", "加强人才培养", "深化国际交流", "强化宣传引导",
    "加强统筹协调", "完善政策体系", "推进试点示范", "加强信息化建设", "完善评价考核", "加强海外维权",
)
TITLE_SUFFIXES = ("的指导意见", "管理办法", "实施方案", "工作指引", "若干规定", "三年行动计划")
# Leading verbs of the clauses of new base tasks (the commonest in the seed plan).
CLAUSE_VERBS = ("推进", "完善", "加强", "开展", "建立", "健全", "探索", "深化", "推动", "实施", "组织", "优化",
                "制定", "强化", "支持", "引导", "规范", "提升")
TITLE_SHARE = 0.25  # share of base tasks naming a document in 《》 (23% in the 2020 plan)
STOCK_CLAUSE_SHARE = 0.5  # of the clauses rewrites add, see `_added_clause`
MIN_WORD_COUNT = 3  # a seed substring seen this often may be a word
SEED_TASKS = 100  # tasks in the seed plan
HEAPS_EXPONENT = 0.6  # vocabulary growth with text size, typical of natural language (0.4–0.7)

# 2020 name → (department line, name printed before the 2018 reform)
DEPARTMENT_LINES = {
    "知识产权局": ("cnipa", "知识产权局"), "市场监管总局": ("samr", "工商总局"),
    "中央宣传部": ("cpd", "新闻出版广电总局"), "广电总局": ("nrta", "新闻出版广电总局"),
    "农业农村部": ("mara", "农业部"), "林草局": ("nfgra", "林业局"), "生态环境部": ("mee", "环境保护部"),
    "文化和旅游部": ("mct", "文化部"), "卫生健康委": ("nhc", "卫生计生委"), "司法部": ("moj", "法制办"),
    "银保监会": ("cbirc", "银监会"),
}
_YEAR = re.compile(r"(?:19|20)\d{2}")
_LEADING_PREDICATES = re.compile(
    "^(?:" + "|".join(sorted({*PREDICATES, "制定出台", "推动", "推进", "加快", "继续", "深入", "配合做好", "积极"},
                             key=len, reverse=True)) + ")+")
_CLAUSE_SPLIT = re.compile(r"[，；]")
_TITLE_SPAN = re.compile(r"《[^《》]*》")


@dataclass(frozen=True)
class EditRates:
    """Per-year probabilities; defaults follow how the real yearly plans change."""

    drop: float = 0.07
    dormant_share: float = 0.3  # of drops, how many come back 1–3 years later
    split: float = 0.03
    merge: float = 0.03
    new: float = 0.08
    identical: float = 0.15
    light: float = 0.30
    moderate: float = 0.30
    heavy: float = 0.20  # the rest of continued tasks: stage advance plus a light edit
    reorder_sentences: float = 0.10
    add_department: float = 0.15
    drop_department: float = 0.15
    swap_lead: float = 0.08
    move_task: float = 0.05
    rename_section: float = 0.10
    restructure: float = 0.25  # the whole plan is regrouped under new headings
    two_level_share: float = 0.6  # restructured plans with （一） sub-sections
    # Real series hold excerpts: copies of which only the opening survived. A plan between the first
    # and the last is published only as such an excerpt with this probability, cut after 5–50% of its
    # tasks, inside the last one (the evolving plan itself is unaffected: the rest is simply unseen).
    excerpt: float = 0.2
    # A 《》 title is written differently now and then, as real plans do: with or without
    # 中华人民共和国, 与 for 和, or without its 《》 (per light or moderate edit).
    title_variant: float = 0.1


@dataclass
class SynTask:
    lineage: str
    text: str
    departments: list[str]  # names as of SEED_YEAR; printed per year by `printed_name`
    section: str  # section path
    weight: int = 0  # len(text), used to pick the primary part of a merge


@dataclass(frozen=True)
class SyntheticSeries:
    tasks: pd.DataFrame  # matcher input, one row per task (transforms.matching.features.REQUIRED_COLUMNS)
    truth: pd.DataFrame  # plan_id, task_key, true_lineage


@dataclass
class _State:
    rng: np.random.Generator
    rates: EditRates
    sections: dict[str, str]  # path → current title
    clause_pool: list[str]
    words: list[str]  # vocabulary of the seed plan, see `seed_vocabulary`
    word_weights: np.ndarray  # word frequency in the seed, normalised
    next_lineage: int = 0
    dormant: list[tuple[int, SynTask]] = field(default_factory=list)  # (return year, task)

    def new_lineage(self) -> str:
        self.next_lineage += 1
        return f"T{self.next_lineage:06d}"


def seed_plan():
    from sources.read import read_source
    from transforms.parse import parse_plan

    return parse_plan(read_source(str(SEED_PLAN)))


def generate_series(tasks_per_plan: int = 100, n_plans: int = 4, seed: int = 0, first_year: int = 2016,
                    rates: EditRates = EditRates()) -> SyntheticSeries:
    """A series of `n_plans` plans of about `tasks_per_plan` tasks each."""
    plan = seed_plan()
    rng = np.random.default_rng(seed)
    words, counts = plan_vocabulary(plan, tasks_per_plan, rng)
    state = _State(rng, rates, {s.path: s.title for s in plan.sections}, _clause_pool(plan), words,
                   counts / counts.sum())
    current = [_base_task(state, t) for t in plan.tasks]
    current += [_distinct_task(state, current) for _ in range(max(0, tasks_per_plan - len(current)))]
    current = _shift_years(current, first_year - SEED_YEAR)
    frames, truth = [], []
    periods = plan_schedule(n_plans, first_year)
    excerpts = np.random.default_rng([seed, 1])  # its own draws: excerpts never change the series itself
    for index, (start, end) in enumerate(periods):
        if index:
            for year in range(periods[index - 1][0] + 1, start + 1):
                current = evolve(state, current, year)
        inner = 0 < index < len(periods) - 1
        keep = (max(1, int(len(current) * excerpts.uniform(0.05, 0.5)))
                if inner and excerpts.random() < rates.excerpt else None)
        tasks_frame, truth_frame = emit_plan(state, current, start, end, keep)
        frames.append(tasks_frame)
        truth.append(truth_frame)
    return SyntheticSeries(pd.concat(frames, ignore_index=True), pd.concat(truth, ignore_index=True))


def plan_schedule(n_plans: int, first_year: int) -> list[tuple[int, int]]:
    """(start, end) per plan: one year without a plan before the third plan; with four or
    more plans the last one spans two years, like the 2021–2022 plan."""
    periods, year = [], first_year
    for index in range(n_plans):
        if index == 2:
            year += 1
        span = 2 if (index == n_plans - 1 and n_plans >= 4) else 1
        periods.append((year, year + span - 1))
        year += span
    return periods


def _clause_pool(plan) -> list[str]:
    clauses = [c for t in plan.tasks for s in _sentences(t.text) for c in _CLAUSE_SPLIT.split(s.rstrip("。"))]
    return [c for c in clauses if len(c) >= 6]


def _base_task(state: _State, task) -> SynTask:
    return SynTask(state.new_lineage(), task.text, list(task.departments), task.section_path, len(task.text))


def plan_vocabulary(plan, tasks_per_plan: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """The seed's words, plus coined words so that the vocabulary grows with the plan as
    Heaps' law has it for real text (V ∝ size^HEAPS_EXPONENT). With the seed's 300 words
    only, a 10 000-task plan had 1% of its character bigrams in a single task, against 48%
    in the real 100-task plan (and ~8% that Zipf's law predicts for real text of that size).
    Coined words are two or three characters drawn by their frequency in the seed; their
    frequencies continue the seed's rank–frequency curve as Zipf's law (f ∝ 1/rank)."""
    words, counts = seed_vocabulary(plan)
    wanted = int(len(words) * (max(tasks_per_plan, SEED_TASKS) / SEED_TASKS) ** HEAPS_EXPONENT)
    characters = Counter("".join(words))
    alphabet, weights = list(characters), np.array(list(characters.values()), dtype=np.float64)
    known, coined = set(words), []
    while len(words) + len(coined) < wanted:
        size = 2 if rng.random() < 0.7 else 3
        word = "".join(alphabet[i] for i in rng.choice(len(alphabet), size=size, p=weights / weights.sum()))
        if word not in known:
            known.add(word)
            coined.append(word)
    ranks = np.arange(len(words) + 1, len(words) + len(coined) + 1, dtype=np.float64)
    zipf_tail = np.sort(counts)[0] * len(words) / ranks
    return words + coined, np.concatenate([counts, zipf_tail])


def seed_vocabulary(plan) -> tuple[list[str], np.ndarray]:
    """Words of the seed plan and how often each occurs. Chinese has no word breaks: every run
    of Han characters is segmented into the longest substrings (2–4 characters) that recur in
    the seed at least MIN_WORD_COUNT times (知识产权, 专利, 服务业 …), by dynamic programming."""
    runs = [r for t in plan.tasks for r in re.split(r"[^\u4e00-\u9fff]+", t.text) if r]
    substrings = Counter(r[i:i + n] for r in runs for n in (2, 3, 4) for i in range(len(r) - n + 1))
    known = {w for w, c in substrings.items() if c >= MIN_WORD_COUNT}
    counts = Counter(w for r in runs for w in _segment(r, known) if len(w) >= 2)
    words = sorted(counts)
    return words, np.array([counts[w] for w in words], dtype=np.float64)


def _segment(run: str, known: set[str]) -> list[str]:
    """Segmentation maximising Σ len(word)² over known words (single characters score 0)."""
    best: list[tuple[float, list[str]]] = [(0.0, [])]
    for end in range(1, len(run) + 1):
        options = []
        for size in range(1, min(4, end) + 1):
            word = run[end - size:end]
            if size == 1 or word in known:
                score, words = best[end - size]
                options.append((score + (size * size if size > 1 else 0), words + [word]))
        best.append(max(options, key=lambda option: option[0]))
    return best[-1][1]


def _words(state: _State, low: int, high: int) -> str:
    """low..high-1 seed words drawn by their frequency in the seed."""
    rng = state.rng
    picks = rng.choice(len(state.words), size=int(rng.integers(low, high)), p=state.word_weights)
    return "".join(state.words[i] for i in picks)


def _subject_clause(state: _State) -> str:
    return CLAUSE_VERBS[state.rng.integers(len(CLAUSE_VERBS))] + _words(state, 4, 8)


def _distinct_task(state: _State, seeds: list[SynTask]) -> SynTask:
    """A new base task for large plans: one to five clauses of its own, sometimes after a
    document it names; departments and section of a random seed task."""
    rng = state.rng
    source = seeds[rng.integers(len(seeds))]
    text = "，".join(_subject_clause(state) for _ in range(int(rng.integers(1, 6)))) + "。"
    if rng.random() < TITLE_SHARE:
        text = f"出台《{_words(state, 2, 4)}{TITLE_SUFFIXES[rng.integers(len(TITLE_SUFFIXES))]}》。" + text
    departments = list(source.departments[: rng.integers(1, len(source.departments) + 1)])
    return SynTask(state.new_lineage(), text, departments, source.section, len(text))


def _sentences(text: str) -> list[str]:
    return [s + "。" for s in text.split("。") if s]


def _shift_years(tasks: list[SynTask], by: int) -> list[SynTask]:
    shift = lambda m: str(int(m.group(0)) + by)  # noqa: E731
    return [replace(t, text=_YEAR.sub(shift, t.text)) for t in tasks]


# --- one year of change -----------------------------------------------------------------

def evolve(state: _State, tasks: list[SynTask], year: int) -> list[SynTask]:
    """The plan one calendar year later (whether or not that year's plan is published)."""
    rng, rates = state.rng, state.rates
    out: list[SynTask] = []
    skip_next = False
    for index, task in enumerate(tasks):
        if skip_next:
            skip_next = False
            continue
        roll = rng.random()
        if roll < rates.drop:
            if rng.random() < rates.dormant_share:
                state.dormant.append((year + int(rng.integers(1, 4)), task))
            continue
        following = tasks[index + 1] if index + 1 < len(tasks) else None
        if roll < rates.drop + rates.merge and following is not None and following.section == task.section:
            out.append(_merged(state, task, following))
            skip_next = True
            continue
        if roll < rates.drop + rates.merge + rates.split and len(_sentences(task.text)) >= 2:
            out.extend(_split(state, task))
            continue
        out.append(_edited(state, task))
    out.extend(_returning(state, year, out))
    out.extend(_recombined_new(state, out) for _ in range(rng.binomial(len(tasks), rates.new)))
    _rename_sections(state)
    out = _reordered(state, out)
    if rng.random() < rates.restructure:
        out = _restructured(state, out)
    return _shift_years(out, 1)


def _edited(state: _State, task: SynTask) -> SynTask:
    rng, rates = state.rng, state.rates
    roll, text = rng.random(), task.text
    if roll < rates.identical:
        pass
    elif roll < rates.identical + rates.light:
        text = _title_variant(rng, _swap_synonyms(rng, text, int(rng.integers(1, 3))), rates.title_variant)
    elif roll < rates.identical + rates.light + rates.moderate:
        text = _edit_clauses(state, _swap_synonyms(rng, text, int(rng.integers(1, 4))))
        text = _title_variant(rng, text, rates.title_variant)
    elif roll < rates.identical + rates.light + rates.moderate + rates.heavy:
        text = _heavy_rewrite(state, text)
    else:
        text = _swap_synonyms(rng, _advance_stage(text), 1)
    if rng.random() < rates.reorder_sentences:
        sentences = _sentences(text)
        text = "".join(sentences[1:] + sentences[:1])
    return SynTask(task.lineage, text, _edited_departments(state, task.departments), task.section, len(text))


def _title_variant(rng, text: str, rate: float) -> str:
    """One 《》 title written another way: 中华人民共和国 added to or dropped from a law, 与 ↔ 和,
    or the brackets dropped (2016 style)."""
    titles = re.findall(r"《([^《》]+)》", text)
    if not titles or rng.random() >= rate:
        return text
    title = titles[int(rng.integers(len(titles)))]
    roll = rng.random()
    if roll < 0.3 and title.startswith("中华人民共和国"):
        return text.replace(f"《{title}》", f"《{title[len('中华人民共和国'):]}》", 1)
    if roll < 0.3 and title.endswith("法"):
        return text.replace(f"《{title}》", f"《中华人民共和国{title}》", 1)
    if roll < 0.6 and ("与" in title or "和" in title):
        swapped = title.replace("与", "\0").replace("和", "与").replace("\0", "和")
        return text.replace(f"《{title}》", f"《{swapped}》", 1)
    return text.replace(f"《{title}》", title, 1)


def _swap_synonyms(rng, text: str, times: int) -> str:
    """Reword outside 《》: a document keeps its name (a title changes by _title_line_rewrite)."""
    for _ in range(times):
        free = _TITLE_SPAN.sub(lambda m: "\ue000" * len(m.group(0)), text)  # titles masked, same length
        # Skip swaps whose result is already there, so 开展 → 组织开展 never stacks up.
        present = [(a, b) for a, b in SYNONYMS if a in free and b not in free]
        present += [(b, a) for a, b in SYNONYMS if b in free]
        if not present:
            break
        old, new = present[rng.integers(len(present))]
        at = free.index(old)
        text = text[:at] + new + text[at + len(old):]
    return text


def _edit_clauses(state: _State, text: str) -> str:
    """Insert a stock clause or delete a non-leading clause of one sentence."""
    rng = state.rng
    sentences = _sentences(text)
    which = int(rng.integers(len(sentences)))
    clauses = _CLAUSE_SPLIT.split(sentences[which].rstrip("。"))
    if len(clauses) > 1 and rng.random() < 0.5:
        del clauses[int(rng.integers(1, len(clauses)))]
    else:
        clauses.insert(int(rng.integers(1, len(clauses) + 1)), _added_clause(state))
    sentences[which] = "，".join(clauses) + "。"
    return "".join(sentences)


def _heavy_rewrite(state: _State, text: str) -> str:
    """Rewrite a task around its named document, as plans do over the years: keep the clause
    naming it and write the rest anew; or move on along the document's line (a law, then its
    implementing regulation, 《X法》 → 《X法实施条例》); or name it without 《》 (2016 style)."""
    rng = state.rng
    titles = re.findall(r"《([^《》]+)》", text)
    roll = rng.random()
    if titles and roll < 0.35:
        return _title_line_rewrite(state, titles[int(rng.integers(len(titles)))])
    if titles and roll < 0.5:
        return _swap_synonyms(rng, text.replace("《", "").replace("》", ""), 1)
    clauses = [c for s in _sentences(text) for c in _CLAUSE_SPLIT.split(s.rstrip("。")) if c]
    anchor = next((c for c in clauses if "《" in c or "“" in c), clauses[0])
    anchor = _LEADING_PREDICATES.sub("", anchor)  # all of them: rewrites must not stack predicates
    return f"{PREDICATES[rng.integers(len(PREDICATES))]}{anchor}，" + "，".join(_fillers(state)) + "。"


def _title_line_rewrite(state: _State, title: str) -> str:
    rng = state.rng
    if title.endswith(("法", "条例")) and rng.random() < 0.5:
        title += ("实施条例", "实施细则", "配套规定")[rng.integers(3)]
    action = ("修订", "修改", "制定", "实施", "宣传解读", "立法论证")[rng.integers(6)]
    return f"{PREDICATES[rng.integers(len(PREDICATES))]}《{title}》{action}工作，" + "，".join(_fillers(state)) + "。"


def _fillers(state: _State) -> list[str]:
    rng = state.rng
    extra = list(dict.fromkeys(_added_clause(state) for _ in range(int(rng.integers(1, 3)))))
    if rng.random() < 0.3:
        extra.insert(0, state.clause_pool[rng.integers(len(state.clause_pool))])
    return extra


def _added_clause(state: _State) -> str:
    """A clause a rewrite adds: a stock phrase (加强统筹协调 …) or, as often, new specific content.
    Stock phrases only made every task after a few years 40% boilerplate, as no real plan is."""
    rng = state.rng
    if rng.random() < STOCK_CLAUSE_SHARE:
        return FILLER_CLAUSES[rng.integers(len(FILLER_CLAUSES))]
    return _subject_clause(state)


def _advance_stage(text: str) -> str:
    for before, after in STAGE_STEPS:
        if before in text:
            return text.replace(before, after, 1)
    return text


def _edited_departments(state: _State, departments: list[str]) -> list[str]:
    rng, rates = state.rng, state.rates
    out = list(departments)
    if len(out) >= 2 and rng.random() < rates.drop_department:
        del out[int(rng.integers(1, len(out)))]
    if rng.random() < rates.add_department:
        extra = list(DEPARTMENT_LINES)[rng.integers(len(DEPARTMENT_LINES))]
        if extra not in out:
            out.append(extra)
    if len(out) >= 2 and rng.random() < rates.swap_lead:
        out[0], out[1] = out[1], out[0]
    return out


def _merged(state: _State, first: SynTask, second: SynTask) -> SynTask:
    """Two neighbours become one task; it keeps the lineage of the larger part."""
    text = _swap_synonyms(state.rng, first.text + second.text, 1)
    primary = first if first.weight >= second.weight else second
    departments = list(dict.fromkeys(first.departments + second.departments))
    return SynTask(primary.lineage, text, departments, first.section, len(text))


def _split(state: _State, task: SynTask) -> list[SynTask]:
    sentences = _sentences(task.text)
    cut = int(state.rng.integers(1, len(sentences)))
    parts = ["".join(sentences[:cut]), "".join(sentences[cut:])]
    return [SynTask(task.lineage, _swap_synonyms(state.rng, p, 1), list(task.departments), task.section, len(p))
            for p in parts]


def _returning(state: _State, year: int, tasks: list[SynTask]) -> list[SynTask]:
    """Dropped tasks due back this year; one whose section was regrouped away while it was
    absent goes into a section the plan has now (it had none before: an empty heading)."""
    back = [task for when, task in state.dormant if when == year]
    state.dormant = [(when, task) for when, task in state.dormant if when != year]
    paths = list(dict.fromkeys(t.section for t in tasks))
    for index, task in enumerate(back):
        if paths and task.section not in paths:
            back[index] = replace(task, section=paths[state.rng.integers(len(paths))])
    return [_edited(state, task) for task in back]


def _recombined_new(state: _State, tasks: list[SynTask]) -> SynTask:
    """A new task (a hard negative): a predicate and a subject of its own, then one non-leading
    clause from each of two tasks of different level-1 sections, so it shares words with both
    but continues neither. (Without a subject of its own, a new task had nothing that a later
    rewrite could keep, and after a few heavy rewrites it was bare boilerplate.)"""
    rng = state.rng
    first = tasks[rng.integers(len(tasks))]
    second = first
    for _ in range(20):  # a task from another level-1 section (drawn, not searched: plans are large)
        second = tasks[rng.integers(len(tasks))]
        if second.section.split(".")[0] != first.section.split(".")[0]:
            break
    parts = [_minor_clause(rng, first.text), _minor_clause(rng, second.text)]
    lead = f"{PREDICATES[rng.integers(len(PREDICATES))]}{FIELDS[rng.integers(len(FIELDS))]}领域{_words(state, 3, 6)}"
    text = "，".join([lead, *parts]) + "。"
    departments = list(dict.fromkeys(first.departments[:1] + second.departments[1:2]))
    return SynTask(state.new_lineage(), text, departments, first.section, len(text))


def _minor_clause(rng, text: str) -> str:
    """A clause that is not the lead clause of its task (the second half of it if it has only one)."""
    clauses = [c for s in _sentences(text) for c in _CLAUSE_SPLIT.split(s.rstrip("。")) if c]
    if len(clauses) > 1:
        return clauses[int(rng.integers(1, len(clauses)))]
    return clauses[0][len(clauses[0]) // 2:]


def _reordered(state: _State, tasks: list[SynTask]) -> list[SynTask]:
    """Tasks move within their section, a few to another section; then sort by section."""
    rng = state.rng
    paths = list(dict.fromkeys(t.section for t in tasks))
    keyed = []
    for index, task in enumerate(tasks):
        position = float(index)
        if rng.random() < state.rates.move_task:
            position += rng.normal(0, 5)
            if rng.random() < 0.3:
                task = replace(task, section=paths[rng.integers(len(paths))])
        keyed.append((position, task))
    order = {p: i for i, p in enumerate(sorted(paths, key=_path_key))}
    keyed.sort(key=lambda item: (order[item[1].section], item[0]))
    return [task for _, task in keyed]


def _path_key(path: str) -> tuple[int, ...]:
    return tuple(int(p) for p in path.split(".") if p.isdigit())


def _restructured(state: _State, tasks: list[SynTask]) -> list[SynTask]:
    """New level-1 headings (some old sections merged, 15% of tasks moved), then
    optionally new （一） sub-sections of 4–10 tasks each."""
    rng = state.rng
    old_level1 = list(dict.fromkeys(t.section.split(".")[0] for t in tasks))
    n_new = int(rng.integers(max(2, len(old_level1) - 2), len(old_level1) + 2))
    target = {old: int(rng.integers(n_new)) for old in old_level1}
    grouped: dict[int, list[SynTask]] = {}
    for task in tasks:
        new = int(rng.integers(n_new)) if rng.random() < 0.15 else target[task.section.split(".")[0]]
        grouped.setdefault(new, []).append(task)
    headings = rng.choice(LEVEL1_HEADINGS, size=len(grouped), replace=False)
    sub_headings = itertools.cycle(rng.permutation(LEVEL2_HEADINGS))
    scale = max(1, len(tasks) // 100)  # sub-sections of 4–10 tasks in a plan of 100
    two_level = rng.random() < state.rates.two_level_share
    state.sections, out = {}, []
    for number, (_, members) in enumerate(sorted(grouped.items()), start=1):
        state.sections[str(number)] = str(headings[number - 1])
        start = 0
        for sub in range(1, len(members) + 1):
            size = int(rng.integers(4, 11)) * scale if two_level else len(members)
            path = f"{number}.{sub}" if two_level else str(number)
            if two_level:
                state.sections[path] = str(next(sub_headings))
            out += [replace(t, section=path) for t in members[start:start + size]]
            start += size
            if start >= len(members):
                break
    return out


def _rename_sections(state: _State) -> None:
    for path, title in list(state.sections.items()):
        if state.rng.random() < state.rates.rename_section:
            state.sections[path] = _swap_synonyms(state.rng, title, 1)


# --- emitting a plan --------------------------------------------------------------------

def printed_name(name: str, year: int) -> str:
    line = DEPARTMENT_LINES.get(name)
    return line[1] if line and year < REFORM_YEAR else name


def department_line(name: str) -> str:
    line = DEPARTMENT_LINES.get(name)
    return line[0] if line else name


def emit_plan(state: _State, tasks: list[SynTask], start: int, end: int,
              keep: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matcher's input rows and the truth rows of one published plan; with `keep`, only an
    excerpt: the first `keep` tasks, the text ending inside the last one."""
    plan_id = str(start) if start == end else f"{start}-{end}"
    rows, truth = [], []
    if keep is not None:
        tasks = tasks[:keep]
        tasks[-1] = replace(tasks[-1], text=tasks[-1].text[: max(4, len(tasks[-1].text) // 2)])
    for number, task in enumerate(tasks, start=1):
        level1 = state.sections.get(task.section.split(".")[0], "")
        level2 = state.sections.get(task.section) if "." in task.section else None
        names = list(dict.fromkeys(printed_name(d, start) for d in task.departments))
        key = f"{task.section}.{number}"
        rows.append({
            "plan_id": plan_id, "period_start": start, "period_end": end, "task_key": key, "task_no": number,
            "position": number, "section_path": task.section,
            "section_title": f"{level1} / {level2}" if level2 else level1, "text": task.text,
            "departments": names, "lineage_ids": [_line_of_printed(n, task.departments) for n in names],
            "cited_titles": re.findall(r"《([^《》]+)》", task.text), "truncated": keep is not None and number == len(tasks), "plan_complete": keep is None,
        })
        truth.append({"plan_id": plan_id, "task_key": key, "true_lineage": task.lineage})
    return pd.DataFrame(rows), pd.DataFrame(truth)


def _line_of_printed(printed: str, names: list[str]) -> str:
    """The department line behind a printed name (a pre-reform name maps back via the task's names)."""
    for name in names:
        if printed in (name, DEPARTMENT_LINES.get(name, (None, None))[1]):
            return department_line(name)
    return printed
