# GIST Journal — developer commands. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Installed-marker: re-install only when pyproject.toml changes.
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: install run serve test test-fast lint format migrations-check browser clean stress crash bench

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Development server on SQLite (or DATABASE_URL), with the library and the demo patient, on
# HOST:PORT (make run PORT=8123). Emailed links follow that address unless DJANGO_SITE_URL is set.
# The reminder sender runs beside it (its emails print here) and stops when the server does.
run: export DJANGO_DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_library
	$(PY) manage.py seed_demo
	export DJANGO_SITE_URL="$${DJANGO_SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(PY) manage.py send_reminders & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT INT TERM; \
	DJANGO_SITE_URL="$${DJANGO_SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

# Production-like: gunicorn on the same settings (set DJANGO_SECRET_KEY and friends first).
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py load_library
	$(BIN)/gunicorn gistjournal.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2}

# Makes sure a Chromium is there for the browser tests (never skipped).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "No /usr/bin/chromium and no apt: trying 'playwright install chromium'"; \
		$(BIN)/playwright install chromium; \
	fi

test: install browser
	$(BIN)/pytest --create-db $(PYTEST_ARGS)

# Code gates: ruff's S rules refuse mark_safe and SQL built from strings in Python; the grep
# refuses |safe and autoescape off in templates (user data is always escaped); bandit reads the
# code for the rest. Every remaining bandit finding is explained beside its `# nosec`.
# The last grep refuses template syntax that Django would print instead of interpreting: its
# {# #}, {% %} and {{ }} must each close on the line they open (tests/security/test_crawler.py
# checks the rendered pages for any that reach a reader).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r gistjournal journal library
	@if grep -rnE '\|[[:space:]]*safe\b|autoescape[[:space:]]+off|mark_safe' templates gistjournal journal library --include=*.html --include=*.py; then \
		echo "lint: |safe, autoescape off and mark_safe are not allowed (user data must stay escaped)"; exit 1; fi
	@if grep -rnP --include='*.html' '\{[#%{](?!.*?[#%}]\})' templates journal library; then \
		echo "lint: a {# #}, {% %} or {{ }} that does not close on its own line is printed as text by Django; use {% comment %} for long comments"; exit 1; fi

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# 20 concurrent clients saving day logs through gunicorn (4 workers), with a backup taken in
# the middle of the load; prints the figures.
stress: install
	$(PY) bench/stress.py --clients 20 --workers 4 --backup

# The same load with the workers killed (SIGKILL) five times, then the server.
crash: install
	$(PY) bench/stress.py --clients 20 --workers 4 --crash-rounds 5

# Every page against /healthz on a throwaway database (SQLite, or <name>_bench beside
# DATABASE_URL's on PostgreSQL), served by gunicorn and driven by wrk: see bench/README.md.
bench: install
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing wrk for the benchmark"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "make bench needs wrk: install it (sudo apt-get install wrk) and run again"; exit 1; \
		fi; \
	fi
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts
