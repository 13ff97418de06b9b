"""Data-quality rules for plans and task links, kept as Great Expectations suites.

* `gate`: the API (`check_plan_load`, `validate_loaded`, `check_links`, `QualityError`).
* `batches`: the pandas frames the suites check, built from a load or from the warehouse.
* `suites`: runs the committed suites in `gx/` (GX is imported lazily) and builds the Data Docs.
* `reports`: the frozen result records (`ValidationReport`, `ExpectationOutcome`).
"""
