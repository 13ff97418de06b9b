# Two commands a fresh machine needs (see README):
#   make run   - set up, then run the main job on the embedded defaults
#   make test  - set up, then run the tests
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

run: setup
	$(BIN)/ipplans run

test: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/bench_matching.py --sizes 100,1000,10000
	$(BIN)/python benchmarks/bench_incremental.py --sizes 100,1000,10000
	$(BIN)/python benchmarks/bench_run.py

clean:  # the environment only: data/ holds the warehouse and curated link decisions
	rm -rf $(VENV)
