# The two commands: `make run` (the panel with demo data, worker, beat, sandboxes) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install bench migrate sandbox clean help screenshots chaos

help:
	@echo "make run    - install, migrate, load demo data and start web, worker, beat and sandboxes"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff and the missing-migrations check"
	@echo "make bench  - benchmarks"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py demo_data
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: install
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$CI" = "true" ]; then echo "CI: /usr/bin/chromium is missing; browser tests cannot run." >&2; exit 1; fi; \
	  echo "*** No Chromium at /usr/bin/chromium: browser tests will be SKIPPED (apt-get install -y chromium chromium-driver). ***"; \
	fi
	PANEL_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	PANEL_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks run on PostgreSQL and Redis when this machine has them (as CI does), else on SQLite.
bench: install
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/panel} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0}; fi; \
	PANEL_ENV=test $(BIN)/python -m pytest benchmarks -q -s -p no:randomly

# The pictures in docs/screenshots/: the accessibility walk saves them as it goes.
screenshots: install
	PANEL_ENV=test PANEL_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:randomly \
	  tests/browser/test_accessibility.py -k every_staff_page
	PANEL_ENV=test PANEL_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:randomly \
	  tests/browser/test_portal_flow.py tests/browser/test_sso_flow.py -k "owner_creates or impersonates"

sandbox: install
	$(BIN)/python -m sandbox

clean:
	rm -rf $(VENV) var staticfiles

# The chaos run (not part of `make test`): make run's processes under faults, kills and a Redis restart.
chaos: install
	$(BIN)/python -m benchmarks.chaos $(CHAOS_ARGS)
