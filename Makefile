# `make run`: a working app with demo data on http://127.0.0.1:8000, from nothing.
# `make test`: the whole test suite, from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=true

.PHONY: run test lint format check browser messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests need Debian's Chromium; install it when we can (root with apt).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)); \
	fi

test: $(VENV)/.dev browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(BIN)/python manage.py check

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every page at 1,000 and 100,000 partnerships against a one-query floor
# (docs/performance.md); BENCH_ARGS="--postgres postgres://..." adds PostgreSQL.
bench: $(VENV)/.runtime
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Rebuild the translation catalogues (needs gettext); the compiled .mo files are
# committed, so running the app never needs gettext.
# From the root, so the templates are read too; the scripts' strings come from
# the server (js_strings), so there is no djangojs catalogue.
MESSAGES_IGNORE := -i ".venv/*" -i "staticfiles/*" -i "media/*" -i "tests/*" -i "bench/*" -i "docs/*"
messages: $(VENV)/.dev
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l fr $(MESSAGES_IGNORE) --no-obsolete
	$(DEV_ENV) $(BIN)/python manage.py compilemessages -l fr $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
