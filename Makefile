# Shanhai: `make demo` serves the demo at http://127.0.0.1:$(PORT); `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SEED ?= 2025
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo serve install install-dev test test-slow lint typecheck pytest fuzz messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	@echo "== installing Shanhai and its dependencies into $(VENV) (a few minutes the first time) =="
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: install, migrate the embedded SQLite database, load the demo scenarios, serve. Static files are
## collected and compressed meanwhile, in the background (the load uses one core); their summary line comes when done.
demo: install
	@set -e; \
	echo "== collecting and compressing static files in the background (var/static) =="; \
	$(BIN)/shanhai collectstatic --noinput -v 1 & static=$$!; \
	echo "== migrating the database (var/shanhai.sqlite3) =="; \
	$(BIN)/shanhai migrate --noinput -v 0; \
	echo "== loading the demo scenarios (about a minute the first time; each step is printed as it starts) =="; \
	$(BIN)/shanhai load_demo --seed $(SEED) --if-empty; \
	echo "== waiting for the static files =="; \
	wait $$static
	$(MAKE) --no-print-directory serve

## make serve: the web server and, beside it, the background task worker (restarted whenever it ends).
serve:
	@echo "Shanhai: http://127.0.0.1:$(PORT)  (demo logins: see README; password shanhai-demo)"
	@(trap 'kill $$child 2>/dev/null; exit 0' INT TERM; \
	  while :; do $(BIN)/shanhai task_worker --no-startup-delay -v 0 & child=$$!; wait $$child; \
	    echo "task worker ended (status $$?); restarting in 2 s" >&2; sleep 2; done) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn shanhai.project.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - \
		--access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'

## make test: lint (ruff, the import layers), type check and the test suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev lint typecheck pytest

lint: install-dev
	$(BIN)/ruff check shanhai conftest.py tests
	$(BIN)/ruff format --check shanhai conftest.py tests
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy shanhai

pytest: install-dev
	SHANHAI_PLAIN_STATIC=1 $(BIN)/pytest --durations=15 $(or $(PYTEST_ARGS),-n 2)

## make test-slow: the slow whole-system checks left out of `make test` (marker `slow`); CI runs them.
test-slow: install-dev
	SHANHAI_PLAIN_STATIC=1 $(BIN)/pytest -m slow -p no:cacheprovider -q -n 2

## make fuzz [EXAMPLES=20]: the schema fuzz of the whole API (schemathesis, in-process; stopped after 5 minutes).
fuzz: install-dev
	SHANHAI_PLAIN_STATIC=1 SHANHAI_FUZZ_EXAMPLES=$(or $(EXAMPLES),20) timeout 540 $(BIN)/pytest -m fuzz -p no:cacheprovider -q tests/test_api_fuzz.py

## make messages: refresh the zh_Hans catalogue from the code and compile it.
messages: install-dev
	cd shanhai && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location --add-location=never \
		--ignore 'static/*' --settings shanhai.project.settings || true
	cd shanhai && ../$(BIN)/django-admin compilemessages -l zh_Hans --settings shanhai.project.settings

## make bench [SIZE=10000000] [DB=both|sqlite|postgres] [RUNS=7]: engine vs DuckDB at scale (bench/README.md).
bench: install-dev
	$(BIN)/python bench/run.py --size $(or $(SIZE),10000000) --db $(or $(DB),both) --runs $(or $(RUNS),7)

## make bench-mch [SIZE=200000] [DB=both|sqlite|postgres] [RUNS=7]: MCH worklist and indicators at scale (bench/README.md).
.PHONY: bench-mch
bench-mch: install-dev
	$(BIN)/python bench/mch.py --size $(or $(SIZE),200000) --db $(or $(DB),both) --runs $(or $(RUNS),7)

## make bench-pages [RUNS=3] [CAP=150]: server time of every demo page per demo login, on a fresh demo (bench/README.md).
.PHONY: bench-pages
bench-pages: install-dev
	$(BIN)/python bench/pages.py --runs $(or $(RUNS),3) --cap $(or $(CAP),150)

clean:
	rm -rf var $(VENV)
