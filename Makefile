# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run serve test lint format bench bench-load install catalogs extract clean

# `make serve`: gunicorn with several workers, for production (see README, "Running it for real").
WORKERS ?= 4
BIND ?= 127.0.0.1:8000

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)

# The interface's translations: translations/<lang>/LC_MESSAGES/messages.po are the source;
# the compiled .mo files are build output (not committed), made again on every run and test.
catalogs: $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations

# After adding or changing interface strings: extract them all (messages.pot, not committed),
# then merge them into every catalog. New strings arrive empty, never as guesses ("fuzzy"):
# translate them before committing; tests/test_i18n.py fails while any is missing (its
# KEYWORDS must stay the same as the -k options here).
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-comments=TRANSLATORS: \
		--add-location=file --project=guidelines -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--ignore-obsolete

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

run: $(STAMP) instance/secret_key catalogs
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) search sync
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: $(STAMP) instance/secret_key catalogs
	$(FLASK) db upgrade
	$(FLASK) search sync
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(BIND) --access-logfile - wsgi:app

test: $(TEST_STAMP) catalogs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(TEST_STAMP) catalogs
	$(BIN)/python -m bench

# `make bench-load`: gunicorn (2 workers) on PostgreSQL under wrk, in a database of its own
# (guidelines_bench_load; BENCH_POSTGRESQL names the server). wrk is Debian's package: this
# target installs nothing outside the venv and says how to get wrk when it is missing.
bench-load: $(TEST_STAMP) catalogs
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
