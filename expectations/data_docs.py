"""Data Docs that open without a network.

GX 1.x renders every Data Docs page with `<script>` and `<link>` tags that load jQuery, Bootstrap,
bootstrap-table, a date picker and Font Awesome from CDNs (its templates `page.j2`, `index_page.j2`,
`js_script_imports.j2`), and has no setting for local copies. Offline, the index page is blank
(bootstrap-table draws its table with jQuery) and result pages lose their layout and status icons.

`make_offline(site)` runs after GX has built the site: it copies the bundled files
(`data_docs_assets/`, see its README for versions and licences) into `<site>/static/offline/` and
rewrites each page's remote tags to load them by relative path, so the site also works when moved
as a whole. Remote files no page ipplans builds needs (`LEFT_OUT`) are dropped; any other remote
reference is left as it is, so a GX upgrade that asks for something new shows up in the
browser test rather than being silently removed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
OFFLINE_DIR = Path("static") / "offline"  # inside the site

# A remote file, by the last part of its URL as GX's templates name it → bundled copies (under ASSETS_DIR)
LOCAL_COPIES: dict[str, tuple[str, ...]] = {
    "jquery-3.7.1.min.js": ("jquery/jquery.min.js",),
    "bootstrap.min.css": ("bootstrap/bootstrap.min.css",),
    "bootstrap.min.js": ("bootstrap/bootstrap.bundle.min.js",),
    "popper.min.js": (),  # part of bootstrap.bundle.min.js
    "bootstrap-table.min.js": ("bootstrap-table/bootstrap-table.min.js",),
    "bootstrap-table.min.css": ("bootstrap-table/bootstrap-table.min.css",),
    "bootstrap-table-filter-control.min.js": ("bootstrap-table/bootstrap-table-filter-control.min.js",),
    "bootstrap-table-filter-control.css": ("bootstrap-table/bootstrap-table-filter-control.min.css",),
    "bootstrap-table-filter-control.min.css": ("bootstrap-table/bootstrap-table-filter-control.min.css",),
    "bootstrap-datepicker.min.js": ("bootstrap-datepicker/bootstrap-datepicker.min.js",),  # the index's date filter
    "bootstrap-datepicker.min.css": ("bootstrap-datepicker/bootstrap-datepicker.min.css",),
    "all.min.css": ("fontawesome/css/fontawesome.min.css", "fontawesome/css/solid.min.css"),
}
# Charts of profiling results (Vega) and the dark-mode theme: no page ipplans builds needs them
LEFT_OUT = frozenset({"vega@5", "vega-lite@5", "vega-embed@6", "bootstrap-prefers-dark.css"})
# The logo in the top bar: GX copies its own image into the site's static/images
LOCAL_IMAGES = {"logo-long.png": "static/images/logo-long.png"}

_REMOTE_SCRIPT = re.compile(r'<script\b[^>]*?\bsrc="(https?://[^"]+)"[^>]*>\s*</script>')
_REMOTE_STYLESHEET = re.compile(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*?\bhref="(https?://[^"]+)"[^>]*>')
_REMOTE_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=")(https?://[^"]+)(")')
_SITE_STATIC = re.compile(r'(\b(?:src|href)=")(?:\./|(?:\.\./)+)static/')
_REMOTE_CSS_URL = re.compile(r"""url\(\s*['"]?https?://[^'")]+['"]?\s*\)""")


def make_offline(site: Path) -> list[Path]:
    """Copy the bundled assets into the site and point every page at them; returns the pages rewritten."""
    shutil.copytree(ASSETS_DIR, site / OFFLINE_DIR, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    rewritten = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        offline = offline_html(html, _relative(site, page.parent))
        if offline != html:
            page.write_text(offline, encoding="utf-8")
            rewritten.append(page)
    return rewritten


def offline_html(html: str, to_site: str) -> str:
    """The page with its remote styles, scripts and images replaced; `to_site` leads from it to the site root."""
    offline = f"{to_site}{OFFLINE_DIR.as_posix()}/"
    html = _REMOTE_SCRIPT.sub(lambda m: _tags(m, offline, '<script src="{}"></script>'), html)
    html = _REMOTE_STYLESHEET.sub(lambda m: _tags(m, offline, '<link rel="stylesheet" href="{}">'), html)
    html = _REMOTE_IMAGE.sub(lambda m: _image(m, to_site), html)
    # GX's own static files, counted from where the page really is (its favicon link on result pages
    # climbs one folder too few)
    html = _SITE_STATIC.sub(lambda m: f"{m.group(1)}{to_site}static/", html)
    # a background image of the dark theme's top bar, inlined from GX's stylesheet
    return _REMOTE_CSS_URL.sub("none", html)


def _tags(match: re.Match, offline: str, template: str) -> str:
    name = _file_name(match.group(1))
    if name in LEFT_OUT:
        return ""
    if name not in LOCAL_COPIES:
        return match.group(0)
    return "".join(template.format(offline + copy) for copy in LOCAL_COPIES[name])


def _image(match: re.Match, to_site: str) -> str:
    local = LOCAL_IMAGES.get(_file_name(match.group(2)))
    return f"{match.group(1)}{to_site}{local}{match.group(3)}" if local else match.group(0)


def _file_name(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _relative(site: Path, folder: Path) -> str:
    """'../../' from `folder` up to the site root ('' at the root)."""
    path = Path(os.path.relpath(site, folder)).as_posix()
    return "" if path == "." else f"{path}/"
