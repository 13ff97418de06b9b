"""Report files without Prefect: where the overview finds the Data Docs."""

from __future__ import annotations

from flows.report_files import data_docs_link
from flows.workspace import Workspace


def test_the_data_docs_link_leads_from_the_reports_to_the_warehouse_folder(tmp_path):
    db = tmp_path / "my data" / "ipplans.duckdb"
    assert (data_docs_link(Workspace.at(db, reports=tmp_path / "reports"))
            == "../my%20data/gx/data_docs/local_site/index.html")
    assert data_docs_link(Workspace.at(db, reports=tmp_path / "my data" / "out")) == "../gx/data_docs/local_site/index.html"
