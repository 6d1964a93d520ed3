# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export GX_ANALYTICS_ENABLED := False
export PYTHONDONTWRITEBYTECODE := 1
export PYTHONPATH := $(CURDIR)

.PHONY: install run test ui sql lint audit lock fuzz bench clean-warehouse

# The interpreter's own pip installs the lock (no unpinned pip upgrade): every package is hashed.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: instance/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

install: $(STAMP) $(DAGSTER_HOME)/dagster.yaml

run: install ## materialize every asset from raw/ and publish warehouse/clusters.duckdb
	$(PY) -m pipelines.cli refresh

test: install ## run the test suite
	$(PY) -m pytest --cov=pipelines.lib.normalize --cov-report=term:skip-covered --cov-fail-under=95

# dg runs the project's own .venv; VIRTUAL_ENV says so (else dg warns that no venv is active).
DG := VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/dg

ui: install ## Dagster UI on 127.0.0.1:3000 (dg dev: the code location from [tool.dg] in pyproject.toml)
	$(DG) dev -h 127.0.0.1 -p 3000

sql: install ## read-only SQL prompt (harlequin, the lock's DuckDB) on the published warehouse
	$(PY) -m pipelines.cli sql

lint: install ## ruff (lint + format), dg check defs and the dependency audit
	$(VENV)/bin/ruff check pipelines tests bench
	$(VENV)/bin/ruff format --check pipelines tests bench
	$(DG) check defs
	$(MAKE) --no-print-directory audit

# pip-audit asks PyPI's per-version JSON API (/pypi/<name>/<version>/json) for the advisories of every pin.
# Where that API is unreachable (a registry mirror serving only /simple, as on the project's build machine),
# the audit says so and is skipped rather than failing on every package; anywhere else a finding fails.
AUDIT_PROBE := https://pypi.org/pypi/pip/23.2.1/json
audit: install ## pip-audit of requirements.lock (fails on any known vulnerability)
	@if $(PY) -c "import urllib.request as u; u.urlopen('$(AUDIT_PROBE)', timeout=15)" 2>/dev/null; then \
		$(VENV)/bin/pip-audit --strict --progress-spinner off --disable-pip --no-deps -r requirements.lock; \
	else \
		echo "pip-audit SKIPPED: $(AUDIT_PROBE) (PyPI's advisory API) is unreachable from this machine"; \
	fi

lock: ## re-pin dependencies with hashes (needs uv)
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean-warehouse:
	rm -rf warehouse/.build

fuzz: install ## 1,000 seeded mutants of the deck: each extracts or raises a PipelineError, never crashes or hangs
	$(PY) -m tests.reliability.fuzz --count $${FUZZ_MUTANTS:-1000} --workers $${FUZZ_WORKERS:-2}

bench: install ## benchmarks vs same-run baselines; writes bench/results/latest.md and scale.png
	$(PY) -m bench.run
	$(PY) -m bench.dagster_parallel $${BENCH_DAGSTER_COPIES:-6}
	$(PY) -m bench.partitions_vs_state
