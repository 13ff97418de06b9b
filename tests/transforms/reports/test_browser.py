"""The HTML reports in a real headless browser (Debian's `chromium`): no errors, and something to see.

Errors are collected inside the page: a copy of each report gets a small script that records
script errors, failed loads, Content-Security-Policy violations (the reports may load nothing) and
console.error calls into the DOM, and `chromium --dump-dom` returns that DOM. The copy's policy
lets that one inline script run; the report itself runs no script.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from flows.report_files import build_reports, data_docs_link, write_report_files
from flows.workspace import Workspace
from tests.transforms.reports.real_warehouse import build_real_warehouse
from warehouse.connection import connect

CHROMIUM = shutil.which("chromium")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")]

COLLECTOR = """<script>
window.__errors = [];
addEventListener("error", e => __errors.push("error: " + (e.message || e.target.src || e.target.href || e.type)), true);
addEventListener("unhandledrejection", e => __errors.push("rejection: " + e.reason));
document.addEventListener("securitypolicyviolation",
                          e => __errors.push("csp: " + e.violatedDirective + " " + e.blockedURI));
const consoleError = console.error;
console.error = (...args) => { __errors.push("console: " + args.join(" ")); consoleError(...args); };
addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "collected-errors";
  out.textContent = JSON.stringify(__errors);
  document.body.appendChild(out);
});
</script>"""


@pytest.fixture(scope="module")
def real_db(tmp_path_factory, shared_plans) -> Path:
    return build_real_warehouse(tmp_path_factory.mktemp("browser") / "w.duckdb", shared_plans)


@pytest.fixture(scope="module")
def report_dir(real_db) -> Path:
    out = real_db.parent / "reports"
    con = connect(real_db, read_only=True)
    try:
        reports = build_reports(con, "zh", data_docs=data_docs_link(Workspace.at(real_db, reports=out)))
    finally:
        con.close()
    write_report_files(reports, out)
    return out


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def with_collector(page: Path, folder: Path) -> Path:
    """A copy of the page that records its errors; its policy also allows that inline script."""
    html = page.read_text(encoding="utf-8")
    html = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    copy = folder / page.name
    copy.write_text(html.replace("<head>", "<head>\n" + COLLECTOR, 1), encoding="utf-8")
    return copy


def page_errors(page: Path, tmp_path: Path) -> tuple[list[str], str]:
    """(errors the page recorded, the rendered DOM)."""
    copy = with_collector(page, tmp_path)
    result = chromium("--virtual-time-budget=5000", "--dump-dom", copy.as_uri(), profile=tmp_path / "profile")
    found = re.search(r'<pre id="collected-errors">(.*?)</pre>', result.stdout, flags=re.S)
    assert found, "the error collector did not run"
    logged = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")) + logged, result.stdout


def test_every_report_renders_without_errors(report_dir, tmp_path):
    pages = sorted(report_dir.glob("*.html"))
    assert [page.stem for page in pages] == ["2015_2016", "2016_2020", "2020_2021-2022", "overview"]
    for page in pages:
        errors, dom = page_errors(page, tmp_path)
        assert errors == [], f"{page.name}: {errors}"
        assert dom.count("<svg") >= 2, page.name  # the charts are in the rendered page


def test_the_error_check_catches_a_page_that_reaches_out(report_dir, tmp_path):
    broken = tmp_path / "broken" / "2016_2020.html"
    broken.parent.mkdir()
    html = (report_dir / "2016_2020.html").read_text(encoding="utf-8")
    broken.write_text(html.replace("</main>", '<img src="http://127.0.0.1:9/x.png"></main>'), encoding="utf-8")
    errors, _ = page_errors(broken, tmp_path)
    assert any("csp" in error and "127.0.0.1" in error for error in errors)


def test_screenshot_shows_the_report(report_dir, tmp_path):
    # a blank page of the same size compresses to a few kilobytes; text, tables and charts do not
    blank = tmp_path / "blank.html"
    blank.write_text('<!DOCTYPE html><body style="background:#FAFAF7"></body>', encoding="utf-8")
    sizes = {}
    for name, page in (("report", report_dir / "2016_2020.html"), ("blank", blank)):
        png = tmp_path / f"{name}.png"
        chromium(f"--screenshot={png}", "--window-size=1280,2000", "--hide-scrollbars", page.as_uri(),
                 profile=tmp_path / "profile")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        sizes[name] = png.stat().st_size
    assert sizes["report"] > 10 * sizes["blank"]


def linked_pages(page: Path, tmp_path: Path) -> set[Path]:
    """The report pages the rendered `page` links to (relative links to .html files of the report folder)."""
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", page.as_uri(), profile=tmp_path / "profile").stdout
    hrefs = re.findall(r'href="([^"#]+\.html)(?:#[^"]*)?"', dom)
    return {(page.parent / href).resolve() for href in hrefs if "://" not in href}


def test_lineage_pages_are_reachable_from_the_overview_and_load_nothing(report_dir, tmp_path):
    lineage_pages = {page.resolve() for page in (report_dir / "lineages").glob("*.html")}
    assert len(lineage_pages) >= 5  # every line of work found in two or more of the shared plans
    reached, queue = set(), [(report_dir / "overview.html").resolve()]
    while queue:  # follow links from the overview: to pair reports, lineage pages, and back
        page = queue.pop()
        if page in reached or not page.is_file() or report_dir.resolve() not in page.parents:
            continue  # the overview also links to the Data Docs, outside the report folder
        reached.add(page)
        queue += linked_pages(page, tmp_path) - reached
    assert lineage_pages <= reached
    assert linked_pages(report_dir / "overview.html", tmp_path) & lineage_pages  # the timeline links them directly
    patent_law = next(page for page in lineage_pages if "积极推进专利法第四次修订" in page.read_text(encoding="utf-8"))
    for page in sorted(lineage_pages):
        errors, dom = page_errors(page, tmp_path)
        assert errors == [], f"{page.name}: {errors}"
        assert "../overview.html" in dom
    assert "<del>" in patent_law.read_text(encoding="utf-8")  # differences from the previous appearance


def test_a_search_page_loads_nothing_and_links_to_history_pages(report_dir, real_db, tmp_path):
    from transforms.reports.search_page import render_search_page
    from transforms.search import parse_query
    from warehouse.analysis import lineages_with_pages, search

    folder = tmp_path / "reports"
    shutil.copytree(report_dir, folder)
    con = connect(real_db, read_only=True)
    try:
        page = render_search_page(parse_query("專利法"), search(con, "專利法"), lineages_with_pages(con), "zh")
    finally:
        con.close()
    [html_path] = [path for path in write_report_files([page], folder) if path.suffix == ".html"]
    errors, dom = page_errors(html_path, tmp_path)
    assert errors == [] and dom.count("<mark>") == 3
    linked = linked_pages(html_path, tmp_path)
    assert linked and all(path.is_file() for path in linked)


# --- Great Expectations Data Docs, opened with every request off the machine failing ---------------

# DNS answers nothing and any proxied request goes to a closed port: only file:// pages and their files load
NO_NETWORK = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9")
# What a reader sees once the page (scripts, fonts) has settled: its visible text, the fonts that
# loaded, whether Bootstrap styles the top bar, and what failed to load
DATA_DOCS_PROBE = """<script>
window.__errors = [];
addEventListener("error", e => __errors.push("error: " + (e.message || e.target.src || e.target.href || e.type)), true);
addEventListener("load", () => document.fonts.ready.then(() => {
  const probe = {errors: __errors, text: document.body.innerText,
                 fonts: [...document.fonts].filter(f => f.status === "loaded").map(f => f.family),
                 navbar: getComputedStyle(document.querySelector(".navbar")).display,
                 table_rows: document.querySelectorAll("table tbody tr").length};
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(probe);
  document.body.appendChild(out);
}));
</script>"""


@pytest.fixture(scope="module")
def data_docs(real_db) -> Path:
    """The Data Docs of the 2020 plan's checks, built as `ipplans validate 2020 --docs` builds them."""
    from expectations.gate import validate_loaded
    from expectations.suites import build_data_docs, results_dir_for

    con = connect(real_db, read_only=True)
    try:
        validate_loaded(con, "2020", results_dir=results_dir_for(real_db))
    finally:
        con.close()
    return build_data_docs(results_dir_for(real_db))


def offline_view(page: Path, tmp_path: Path) -> dict:
    """Open a copy of the page beside it (its files are found by relative path) with no network."""
    copy = page.with_name(f"probed-{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>\n" + DATA_DOCS_PROBE, 1),
                    encoding="utf-8")
    try:
        result = chromium(*NO_NETWORK, "--virtual-time-budget=10000", "--dump-dom", copy.as_uri(),
                          profile=tmp_path / "profile")
    finally:
        copy.unlink()
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, flags=re.S)
    assert found, f"{page.name}: the page did not finish loading"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.gx
def test_data_docs_show_validation_results_with_no_network(data_docs, tmp_path):
    index = offline_view(data_docs, tmp_path)
    assert index["errors"] == []
    assert index["table_rows"] >= 5  # bootstrap-table drew one row per validation run (it needs jQuery)
    assert "plan_tasks · 2020 · 2020.gov.md" in index["text"]
    # plan_tasks runs on each copy and on the merged plan: any of its result pages will do
    tasks_pages = sorted((data_docs.parent / "validations" / "plan_tasks").rglob("*.html"))
    assert tasks_pages
    tasks_page = tasks_pages[0]
    result = offline_view(tasks_page, tmp_path)
    assert result["errors"] == []
    assert "Each task number is one more than the previous one in its numbering run." in result["text"]
    assert "Succeeded" in result["text"] and "0% unexpected" in result["text"]
    assert '"Font Awesome 6 Free"' in result["fonts"] or "Font Awesome 6 Free" in result["fonts"]  # status icons
    assert result["navbar"] == "flex"  # Bootstrap's stylesheet applies


@pytest.mark.gx
def test_the_offline_check_sees_a_page_that_needs_the_network(data_docs, tmp_path):
    # GX's own tag for jQuery in place of the bundled copy: the script fails and the index stays empty
    page = data_docs.with_name("needs-network.html")
    page.write_text(data_docs.read_text(encoding="utf-8").replace(
        '<script src="static/offline/jquery/jquery.min.js">', '<script src="https://code.jquery.com/jquery-3.7.1.min.js">'),
        encoding="utf-8")
    try:
        view = offline_view(page, tmp_path)
    finally:
        page.unlink()
    assert any("jquery" in error for error in view["errors"])
    assert view["table_rows"] == 0


@pytest.mark.gx
def test_the_overview_links_to_the_data_docs(report_dir, data_docs):
    overview = (report_dir / "overview.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]*index\.html)">', overview)
    assert [(report_dir / unquote(link)).resolve() for link in links] == [data_docs.resolve()]
    assert "Great Expectations Data Docs" in (report_dir / "overview.md").read_text(encoding="utf-8")
