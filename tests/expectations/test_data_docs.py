"""Data Docs that load nothing from the network: GX's own templates rewritten, and a built site checked.

The pages are opened in a real browser with the network blocked in
tests/transforms/reports/test_browser.py; here, without a browser, every style, script and image a
page asks for must be a file inside the site.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from expectations.data_docs import ASSETS_DIR, LOCAL_COPIES, offline_html

GX_TEMPLATES = Path(importlib.util.find_spec("great_expectations").submodule_search_locations[0]) / "render/view/templates"
# what makes a browser fetch something: scripts, stylesheets, images, CSS url(...)
LOADS = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"|<img\b[^>]*\bsrc="([^"]+)"'
                   r"""|url\(\s*['"]?([^'")]+)""")


def loaded(html: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in LOADS.finditer(html)]


def remote(urls: list[str]) -> list[str]:
    return [url for url in urls if re.match(r"(https?:)?//", url)]


@pytest.mark.parametrize("template", ["page.j2", "index_page.j2", "page_minimal.j2", "js_script_imports.j2"])
def test_every_remote_asset_of_the_installed_gx_templates_is_replaced(template):
    # a GX upgrade that asks for another file (or version) fails here, before anyone opens a page offline
    html = (GX_TEMPLATES / template).read_text(encoding="utf-8")
    assert remote(loaded(html)), "the template loads nothing remote any more: is the rewrite still needed?"
    offline = offline_html(html, "../")
    assert remote(loaded(offline)) == []
    for url in loaded(offline):
        if "static/offline/" in url:
            assert (ASSETS_DIR / url.split("static/offline/", 1)[1]).is_file(), url


def test_bundled_assets_are_the_files_named_and_their_licences():
    named = {copy for copies in LOCAL_COPIES.values() for copy in copies}
    bundled = {path.relative_to(ASSETS_DIR).as_posix() for path in ASSETS_DIR.rglob("*")
               if path.is_file() and path.suffix not in (".md", ".txt")}
    assert bundled - named == {"fontawesome/webfonts/fa-solid-900.woff2"}  # loaded by solid.min.css
    assert named <= bundled
    for folder in {copy.split("/")[0] for copy in named}:
        assert (ASSETS_DIR / folder / "LICENSE.txt").is_file(), folder


def test_a_page_keeps_remote_links_to_read_and_unknown_assets():
    html = ('<a href="https://docs.greatexpectations.io/x">docs</a>'
            '<script src="https://cdn.example.org/new-library@9.js"></script>'
            '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>')
    # a link is only followed when clicked; an asset ipplans does not know stays, so the browser test sees it
    assert offline_html(html, "") == ('<a href="https://docs.greatexpectations.io/x">docs</a>'
                                      '<script src="https://cdn.example.org/new-library@9.js"></script>')


def check_offline_site(index: Path) -> None:
    """Every page of a built site loads only files inside the site (used by the CLI test)."""
    site = index.parent
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 2
    for page in pages:
        urls = loaded(page.read_text(encoding="utf-8"))
        assert remote(urls) == [], page.relative_to(site)
        for url in urls:
            target = (page.parent / unquote(url.split("?")[0])).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page.relative_to(site), url)
