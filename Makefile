# `make run`: a working app with demo data on http://127.0.0.1:8000, from nothing.
# `make test`: the whole test suite, from nothing.
# `make serve`: production: migrate, collect static files, serve through gunicorn
# (DEBUG off; reads the same environment as the app, see README "Deploying").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=true
# Keep Python's bytecode caches even where the environment turns them off: the
# suite starts a dozen interpreters, and each would compile (and pytest rewrite)
# every module it imports again; with the caches that is done once.
unexport PYTHONDONTWRITEBYTECODE

PROD_ENV := DJANGO_DEBUG=false

.PHONY: run test fuzz client lint format check messages bench clean serve serve-check pdf-fonts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The fonts the briefing dossier's PDF needs for Chinese script (Debian's
# fonts-noto-cjk), installed the way .ci/run installs chromium. Soft: without
# apt, root or a free apt lock it says so and goes on (the PDF link then
# explains what is missing; the printable dossier works without them).
pdf-fonts:
	@if fc-list "$${CRM_PDF_CJK_FONT:-Noto Sans CJK SC}" family 2>/dev/null | grep -q .; then \
	  echo "CJK fonts for the dossier PDF: installed"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 \
	    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1; } \
	    || echo "Could not install fonts-noto-cjk now (apt busy or offline): the dossier PDF will say what is missing."; \
	else \
	  echo "To make dossier PDFs with Chinese script: sudo apt-get install fonts-noto-cjk"; \
	fi

run: $(VENV)/.runtime
	-@$(MAKE) --no-print-directory pdf-fonts
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Never apt, never the network once .venv exists: without /usr/bin/chromium the
# browser tests skip (one line in the summary); .ci/run installs it and requires them.
# Two workers, each given whole modules (and classes): a module's shared set-up
# (tests.conftest.shared_rows) is then made once. (--dist loadgroup's xdist_group
# does nothing with pytest 9: pytest-xdist 3.8 renames the tests the old way.)
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 --dist loadscope $(PYTEST_ARGS)

# Production: DEBUG stays off whatever the environment says; gunicorn's settings
# (workers from the cores, bind address) are in crm/gunicorn.conf.py. On several
# app servers, run it on one first: the others find nothing left to migrate.
serve: $(VENV)/.runtime
	$(PROD_ENV) $(BIN)/python manage.py check --deploy
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py createcachetable
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(PROD_ENV) exec $(BIN)/gunicorn --config crm/gunicorn.conf.py crm.wsgi

# Two app servers on one PostgreSQL, checked end to end (CI runs it).
serve-check: $(VENV)/.dev
	bash .ci/two_servers


# The bounded schemathesis pass against a live server with the demo data
# (deselected from `make test`; .ci/run runs it as its own step).
fuzz: $(VENV)/.dev
	$(BIN)/python -m pytest -m fuzz $(PYTEST_ARGS)

# A client generated from the live schema by openapi-python-client, run against
# a live test server (tests/api/test_generated_client.py).
client: $(VENV)/.dev
	$(BIN)/python -m pytest -m client $(PYTEST_ARGS)

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
