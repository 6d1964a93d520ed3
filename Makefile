# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/.uv/bin/uv
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export GX_ANALYTICS_ENABLED := False
# uv installs no bytecode (compiling every package would cost a first install half a minute): each module is
# compiled when first imported and kept under .venv/pycache (never beside the sources), for every later process,
# whatever the environment says (see PYTHONDONTWRITEBYTECODE below).
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
# These machines (CI's too) set PYTHONDONTWRITEBYTECODE=1: every process would then compile dagster, GX and pandas
# from source again (8.2 s instead of 3.4 s for `import great_expectations`). No process make starts inherits it.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPATH := $(CURDIR)

.PHONY: install install-dev run test ui sql lint audit lock fuzz bench clean-warehouse

# uv, pinned with its hashes in requirements-uv.lock, is installed by the interpreter's own pip into .venv/.uv
# (beside the environment, so syncing the environment never removes it); the runtime environment has no pip.
$(UV): requirements-uv.lock
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip install --quiet --root-user-action=ignore --require-hashes --no-deps --upgrade \
		--target $(VENV)/.uv -r requirements-uv.lock

# uv asks the package index pip uses: UV_DEFAULT_INDEX or UV_INDEX_URL when set, else pip's own index setting (its
# environment variable, else its configuration), else uv's default. Nothing here names an index.
UV_INDEX = idx="$${UV_DEFAULT_INDEX:-$${UV_INDEX_URL:-$${PIP_INDEX_URL:-$$($(PYTHON) -m pip config get global.index-url 2>/dev/null)}}}"; \
	if [ -n "$$idx" ]; then export UV_DEFAULT_INDEX="$$idx"; fi
UV_SYNC = $(UV_INDEX); set -x; $(UV) pip sync --quiet --require-hashes --python $(PY)

# make run: the runtime lock only, no test or lint tools (uv pip sync installs exactly the lock, hashes checked).
$(RUNTIME): requirements.lock $(UV)
	@$(UV_SYNC) requirements.lock
	touch $@

# make test / lint: the dev lock (the runtime lock's pins plus the tools, compiled with it as a constraint).
$(DEV): requirements-dev.lock $(RUNTIME)
	@$(UV_SYNC) requirements-dev.lock
	touch $@

$(DAGSTER_HOME)/dagster.yaml: instance/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

install: $(RUNTIME) $(DAGSTER_HOME)/dagster.yaml

install-dev: $(DEV) $(DAGSTER_HOME)/dagster.yaml

run: install ## materialize every asset from raw/ and publish warehouse/clusters.duckdb
	$(PY) -m pipelines.cli refresh

# On every core (pytest-xdist; tests marked xdist_group share a worker), the 15 slowest tests listed.
test: install-dev ## run the test suite
	$(PY) -m pytest -n auto --dist loadgroup --durations=15 \
		--cov=pipelines.lib.normalize --cov-report=term:skip-covered --cov-fail-under=95

# dg runs the project's own .venv; VIRTUAL_ENV says so (else dg warns that no venv is active).
DG := VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/dg

ui: install ## Dagster UI on 127.0.0.1:3000 (dg dev: the code location from [tool.dg] in pyproject.toml)
	$(DG) dev -h 127.0.0.1 -p 3000

sql: install ## read-only SQL prompt (harlequin, the lock's DuckDB) on the published warehouse
	$(PY) -m pipelines.cli sql

lint: install-dev ## ruff (lint + format), dg check defs and the dependency audit
	$(VENV)/bin/ruff check pipelines tests bench
	$(VENV)/bin/ruff format --check pipelines tests bench
	$(DG) check defs
	$(MAKE) --no-print-directory audit

# pip-audit asks PyPI's per-version JSON API (/pypi/<name>/<version>/json) for the advisories of every pin.
# Where that API is unreachable (a registry mirror serving only /simple, as on the project's build machine),
# the audit says so and is skipped rather than failing on every package; anywhere else a finding fails.
AUDIT_PROBE := https://pypi.org/pypi/pip/23.2.1/json
audit: install-dev ## pip-audit of every pin (the dev lock holds the runtime lock's too); fails on any known vulnerability
	@if $(PY) -c "import urllib.request as u; u.urlopen('$(AUDIT_PROBE)', timeout=15)" 2>/dev/null; then \
		$(VENV)/bin/pip-audit --strict --progress-spinner off --disable-pip --no-deps -r requirements-dev.lock; \
	else \
		echo "pip-audit SKIPPED: $(AUDIT_PROBE) (PyPI's advisory API) is unreachable from this machine"; \
	fi

# The one way to re-pin: the runtime lock, the dev lock with the runtime lock as a constraint (same versions), and uv.
# uv keeps a pin that still satisfies pyproject.toml (the existing lock is its preference); --upgrade-package moves one.
LOCK := $(UV) pip compile --quiet --generate-hashes --python-version 3.11
lock: $(UV) ## re-pin dependencies with hashes: requirements.lock, requirements-dev.lock, requirements-uv.lock
	$(LOCK) pyproject.toml -o requirements.lock
	$(LOCK) pyproject.toml --extra dev -c requirements.lock -o requirements-dev.lock
	$(LOCK) --group pyproject.toml:uv -o requirements-uv.lock

clean-warehouse:
	rm -rf warehouse/.build

fuzz: install-dev ## 1,000 seeded mutants of the deck: each extracts or raises a PipelineError, never crashes or hangs
	$(PY) -m tests.reliability.fuzz --count $${FUZZ_MUTANTS:-1000} --workers $${FUZZ_WORKERS:-2}

bench: install-dev ## benchmarks vs same-run baselines; writes bench/results/latest.md and scale.png; OCR s/page and the scanned deck's refresh
	$(PY) -m bench.run
	$(PY) -m bench.dagster_parallel $${BENCH_DAGSTER_COPIES:-6}
	$(PY) -m bench.partitions_vs_state
	$(PY) -m bench.ocr_pages
