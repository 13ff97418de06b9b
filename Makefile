# Two commands a fresh machine needs (see README):
#   make run   - set up .venv from uv.lock, then run the main job on the embedded defaults
#   make test  - set up .venv from uv.lock, then run the tests
# Setup needs only python3 (with pip or venv) and make: uv itself comes from PyPI, pinned below, into
# .venv-uv/; every other package is installed exactly as uv.lock pins it (`uv sync --frozen`).
# After changing dependencies in pyproject.toml: `make lock` (then commit uv.lock).
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
UV_VENV := $(VENV)-uv
UV := $(UV_VENV)/bin/uv
# uv uses this venv and the machine's python3, never a Python of its own
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON := python3
export UV_PYTHON_DOWNLOADS := never
# uv, unlike pip, compiles no bytecode at install, and with PYTHONDONTWRITEBYTECODE set (as many
# containers set it) Python keeps none either: every command, the Prefect server and the GX service
# would compile Prefect, GX and pandas from source again each time they start. Here Python keeps
# what it compiles, so only the first process to import a module pays for it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup run test bench lock check-lock clean

setup: $(VENV)/.installed

# uv is one binary: python3's own pip puts it in $(UV_VENV)/bin/ without a virtualenv, whose pip and
# setuptools cost several seconds to set up; where python3 has no pip (or may not install), a
# virtualenv with pip it is.
$(UV):
	python3 -m pip install --quiet --disable-pip-version-check --target $(UV_VENV) uv==$(UV_VERSION) \
	  || { python3 -m venv $(UV_VENV) && $(UV_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra test --quiet
	touch $@

run: setup
	$(BIN)/ipplans run

test: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/bench_matching.py --sizes 100,1000,10000
	$(BIN)/python benchmarks/bench_incremental.py --sizes 100,1000,10000
	$(BIN)/python benchmarks/bench_run.py

lock: | $(UV)  # re-resolve after editing dependencies; `$(UV) lock --upgrade` takes every newest release
	$(UV) lock

check-lock: | $(UV)  # fails when pyproject.toml asks for something uv.lock does not pin
	@$(UV) lock --check --quiet || { echo "uv.lock is out of date with pyproject.toml: run 'make lock' and commit uv.lock" >&2; exit 1; }

clean:  # the environments only: data/ holds the warehouse and curated link decisions
	rm -rf $(VENV) $(UV_VENV)
