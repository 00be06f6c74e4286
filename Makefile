# Zhuanhua: `make demo` runs the nightly pipeline on sample data, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Superset's own environment: its pins clash with Airflow's (bi/requirements.lock)
BI_VENV := .venv-bi
BI_INSTALLED := $(BI_VENV)/.installed

.PHONY: help venv bi-venv demo test bench lint airflow bi docs stack stack-stop stop lock clean

help:
	@echo "make demo     set up, synthesise a few days of feeds, run each night through Airflow"
	@echo "make test     set up, then the whole suite against a throwaway PostgreSQL"
	@echo "make airflow  Airflow 3 standalone (UI on http://127.0.0.1:8080) with the project's DAGs"
	@echo "              and the data steward's console in its menu (docs/steward-guide.md)"
	@echo "make bench    load a generated province-scale year (rates against bare COPY), then dbt build it"
	@echo "make lint     ruff, ruff format, the import contract, sqlfluff"
	@echo "make stack    docker-compose.yml's services as processes here: API server, scheduler,"
	@echo "              dag-processor, triggerer, 2 Celery workers (UI on http://127.0.0.1:8080)"
	@echo "make stack-stop  stop that stack"
	@echo "make bi       Superset's dashboards over the demo's marts (URL and logins printed)"
	@echo "make docs     dbt's docs of the warehouse (descriptions, lineage to the dashboards)"
	@echo "make stop     stop Superset and the embedded warehouse"

venv: $(INSTALLED)

$(INSTALLED): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

bi-venv: $(BI_INSTALLED)

$(BI_INSTALLED): bi/requirements.lock
	$(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/pip install --quiet --disable-pip-version-check -r bi/requirements.lock
	@touch $@

demo: venv
	$(BIN)/zhuanhua demo

test: venv bi-venv
	$(BIN)/pytest

bench: venv
	$(BIN)/zhuanhua bench

# Style and structure: ruff (lint and format), the import contract of the package's stages
# (pyproject's [tool.importlinter]), and sqlfluff over the dbt models (dbt templater).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/zhuanhua sqlfluff lint models

# the demo's nights first when the warehouse is empty: the steward console shows their held rows
airflow: venv
	$(BIN)/zhuanhua setup
	$(BIN)/zhuanhua demo --if-empty
	AIRFLOW__CORE__PARALLELISM=4 AIRFLOW__SCHEDULER__PARSING_PROCESSES=1 AIRFLOW__API__HOST=127.0.0.1 \
	  $(BIN)/zhuanhua airflow standalone

stack: venv
	$(BIN)/zhuanhua stack up

stack-stop: venv
	$(BIN)/zhuanhua stack down

bi: venv bi-venv
	$(BIN)/zhuanhua bi up

docs: venv
	$(BIN)/zhuanhua docs

stop: venv
	$(BIN)/zhuanhua bi down
	$(BIN)/zhuanhua db stop

# Re-resolve the lock from pyproject's direct needs (run on a machine with the package index).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions for the whole environment (Airflow, dbt, Great Expectations, Cosmos, tools)."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -vi '^zhuanhua' | sort -f; } > requirements.lock
	rm -rf .lock-venv

clean:
	-$(BIN)/zhuanhua bi down
	-$(BIN)/zhuanhua db stop
	rm -rf $(VENV) $(BI_VENV) .zhuanhua dbt_project/target dbt_project/logs
