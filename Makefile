# cxmetrics: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
DEMO_COUNT ?= 100000

.PHONY: run setup test test-fast lint typecheck format migrate demo worker beat bench clean \
	mutation mutation-goals

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_setup --count $(DEMO_COUNT)

run: demo
	@echo ""
	@echo "cxmetrics is starting on http://$(HOST):$(PORT)/"
	@echo "  dashboards  http://$(HOST):$(PORT)/dashboards/"
	@echo "  API docs    http://$(HOST):$(PORT)/api/docs/"
	@echo "  admin       http://$(HOST):$(PORT)/admin/"
	@echo "Demo logins are printed above (also in .run/demo-logins.txt). Stop with Ctrl+C."
	@echo ""
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost}" $(BIN)/gunicorn cxmetrics.wsgi \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 --timeout 120 \
		--access-logfile - < /dev/null

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# mypy with django-stubs over the pure core modules ([tool.mypy] files in pyproject.toml).
typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Mutation testing (mutmut, [tool.mutmut] in pyproject.toml) of the pure metric and incentive
# math against their fast pure tests; prints the score per module. docs/mutation.md lists the
# surviving mutants we accept and why. `make mutation-goals` does the goals selectors (slower:
# their tests use the database).
mutation: setup
	$(BIN)/python -m tests.mutation pure --min-score 90

mutation-goals: setup
	$(BIN)/python -m tests.mutation goals

worker: setup
	$(BIN)/celery -A cxmetrics worker --loglevel=INFO

beat: setup
	$(BIN)/celery -A cxmetrics beat --loglevel=INFO

bench: setup
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .run db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
