# hoctap — the two commands a newcomer needs: `make run` and `make test`.
# Only Python >= 3.11 and make are assumed; everything else is installed here,
# from the lock file, into .venv (the uv installer itself goes into .tools).

PYTHON ?= python3
PORT ?= 8000
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
PG_URL ?= postgres://postgres@127.0.0.1:5432/hoctap_test
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/hoctap_bench
BENCH_REPEAT ?= 1
BENCH_SCALE ?= commune

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: run test test-steps test-pg test-browser bench bench-stats bench-docs bench-import lint typecheck pytest install places-data clean serve

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Re-synced only when the lock file changes, so a second `make run` starts at once.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@rm -f $(VENV)/.synced-bench
	@touch $@

install: $(VENV)/.synced

# `make bench` also needs the load generator (the "bench" group of pyproject.toml).
$(VENV)/.synced-bench: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --group bench --quiet
	@touch $@ $(VENV)/.synced

# PORT reaches every step (config/settings.py reads it): links and certificate QR codes
# made outside a request point at http://127.0.0.1:$(PORT). seed_demo fills all 104
# communes at a small scale (about a minute on two cores the first time, seconds after).
run: install
	DEBUG=1 PORT=$(PORT) $(PY) manage.py migrate --noinput --verbosity 0
	DEBUG=1 PORT=$(PORT) $(PY) manage.py load_places
	DEBUG=1 PORT=$(PORT) $(PY) manage.py load_criteria
	DEBUG=1 PORT=$(PORT) $(PY) manage.py load_targets
	DEBUG=1 PORT=$(PORT) $(PY) manage.py load_baselines
	DEBUG=1 PORT=$(PORT) $(PY) manage.py seed_demo
	DEBUG=1 PORT=$(PORT) $(PY) manage.py fail_stale_jobs
	@echo "Mở http://127.0.0.1:$(PORT) trong trình duyệt (Ctrl+C để dừng)."
	@echo "Mã nhận tài khoản của công dân (tin nhắn) được in ở đây, trong cửa sổ này."
	DEBUG=1 PORT=$(PORT) SMS_BACKEND=console $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	SECRET_KEY=checks-only $(VENV)/bin/mypy .

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; auto = one per CPU, 2 on the
# 2-core machine), each with its own test database; the security figures are added up
# across them (conftest.py). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS)

pytest: install
	$(PY) -m pytest $(PYTEST_PARALLEL)

# Prints its own wall time at the end (the suite prints the tests' alone).
# Python's bytecode cache stays on even where the environment turns it off
# (PYTHONDONTWRITEBYTECODE=1, as in some containers): without it every process of the run
# (the controller, each xdist worker, each `manage.py` a test starts) compiles Django,
# hypothesis, schemathesis and the project from source again, about 6 s of CPU each.
# The compiled files go under .pycache/ (PYTHONPYCACHEPREFIX), out of the source tree (not
# under .venv/: on a fresh clone that folder must not exist before uv creates it).
test: export PYTHONDONTWRITEBYTECODE :=
test: export PYTHONPYCACHEPREFIX := $(CURDIR)/.pycache
test: install
	@start=$$(date +%s); $(MAKE) --no-print-directory test-steps; status=$$?; \
	took=$$(( $$(date +%s) - start )); \
	echo "make test: thời gian chạy $$((took / 60)) phút $$((took % 60)) giây"; exit $$status

test-steps:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	SECRET_KEY=checks-only $(VENV)/bin/mypy .
	SECRET_KEY=ci-only $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_PARALLEL)

# The PostgreSQL suite; the browser walk runs once, on SQLite, in `make test`.
# pytest-django gives each worker its own database (hoctap_test_gw0, hoctap_test_gw1, …).
test-pg: install
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser" $(PYTEST_PARALLEL)

# Only the browser tests (headless Chromium at 360×740; screenshots in test-artifacts/).
test-browser: install
	$(PY) -m pytest -m browser

# Every benchmark against the PostgreSQL database hoctap_bench_$(BENCH_SCALE) (commune or
# province; built by `make bench-db` when missing): bench-results/bench-$(BENCH_SCALE).json
# and a table with each figure, its floor and its goal (docs/benchmarks.md).
# BENCH_LOAD_USERS=50 BENCH_LOAD_SECONDS=60 make a shorter mixed-users load run.
BENCH_LOAD_USERS ?= 200
BENCH_LOAD_SECONDS ?= 300
bench: $(VENV)/.synced-bench
	$(PY) -m bench.run --scale $(BENCH_SCALE) \
		--load-users $(BENCH_LOAD_USERS) --load-seconds $(BENCH_LOAD_SECONDS)

# Only the pages, one at a time: dashboards of every year, homes, map, report files,
# registry search, long lists.
bench-stats: install
	$(PY) -m bench.run --scale $(BENCH_SCALE) --only web

# Decision annex of 5,000 rows (PDF, Word) and 1,000 certificates; no database needed.
bench-docs: install
	$(PY) -m bench.docs_bench --out bench-results/docs.json

# Import 100,000 citizens (~30,000 households) on SQLite and on PostgreSQL: rows/s and
# peak memory per phase against the raw floors (docs/benchmarks.md). The PostgreSQL
# database BENCH_PG_URL is dropped and re-created; its name must contain "bench".
# BENCH_REPEAT=3 keeps each figure's fastest of three rounds (for a busy machine).
bench-import: install
	$(PY) -m bench.import_bench --rows 100000 --db both --repeat $(BENCH_REPEAT) \
		--pg-url $(BENCH_PG_URL) --out bench-results/import.json

# Regenerate places/data/hung_yen.json from the vietnamadminunits package.
places-data: | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --group mapdata --quiet
	$(PY) scripts/build_places_data.py
	$(UV) sync --frozen --python $(PYTHON) --quiet

clean:
	rm -rf $(VENV) .tools .pycache .mypy_cache .ruff_cache staticfiles

# A benchmark database filled by the generator: `make bench-db BENCH_SCALE=commune|province`.
# Drops and re-creates hoctap_bench_$(BENCH_SCALE) on 127.0.0.1 (the name must contain
# "bench"), migrates, loads the map, criteria and targets, then `seed_demo --scale`,
# printing each step's time and the generator's peak memory (docs/benchmarks-generator.md).
BENCH_SEED ?= 2026
.PHONY: bench-db
bench-db: install
	$(PY) -m bench.bench_db --scale $(BENCH_SCALE) --seed $(BENCH_SEED) \
		--pg-url postgres://postgres@127.0.0.1:5432/hoctap_bench_$(BENCH_SCALE)

# Backups (PostgreSQL: pg_dump custom format; SQLite: the online backup API) into
# BACKUP_DIR; `make restore FILE=backups/hoctap-….dump` replaces the database with one.
BACKUP_DIR ?= backups
.PHONY: backup restore security-report fuzz
backup: install
	$(PY) manage.py backup --dir $(BACKUP_DIR)

restore: install
	@test -n "$(FILE)" || { echo "Dùng: make restore FILE=backups/hoctap-....dump" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)" --yes

# The security tests and their figures: doors checked (routes × personas), fuzz cases
# tried, faults injected, rows lost (must be 0). SECURITY.md explains what they cover.
security-report: install
	$(PY) -m pytest -p no:randomly core/tests/test_doors.py core/tests/test_faults.py \
		core/tests/test_concurrency.py core/tests/test_backup.py core/tests/test_fuzz_import.py \
		core/tests/test_api_schema.py core/tests/test_fuzz_forms.py core/tests/test_security_settings.py \
		registry/tests/test_privacy.py registry/tests/test_retention.py portal/tests/test_my_data.py \
		portal/tests/test_claim_proof.py accounts/tests/test_login_throttle.py \
		recognition/tests/test_certificate_scope.py registry/tests/test_identity_search.py \
		core/tests/test_xlsx_text.py core/tests/test_control_chars.py api/tests/test_api_hardening.py \
		registry/tests/test_stale_jobs.py

# The three fuzzers at scale: the Excel importer, the page forms and the API, with
# FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) (CI runs 12; see core/tests/security_figures.py), which
# makes 10,000 cases or more; prints "fuzz cases: importer N, forms N, API N, total N; 500s: N".
FUZZ_EXAMPLES ?= 300
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:randomly core/tests/test_fuzz_import.py \
		core/tests/test_fuzz_forms.py core/tests/test_api_schema.py
