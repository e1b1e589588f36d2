# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vnnews demo

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint
	bash scripts/ensure-test-deps.sh
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/archive.py --sizes 100000
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/service.py

clean:
	rm -rf $(VENV) data .pytest_cache
