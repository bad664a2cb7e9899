# Two commands set everything up on a machine with Python 3.11 and make: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site serve test validate new bench-validate bench-site bench-search clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Validates, builds, checks links and withheld information; site/ changes only if all pass.
site: $(STAMP)
	$(BIN)/transparency build

serve: $(STAMP)
	$(BIN)/mkdocs serve

# Staff commands: each works as written from a new terminal in this folder, installing first if
# needed. Values come through the environment, so quotes and apostrophes in a title stay as typed.
#   make new TITLE="Grant to Victim Support" [DATE=01/07/2021]
#   make validate [FILES="decisions/2021/WYPCC-2021-004.yaml ..."] [OPTIONS="--strict --verbose"]
validate: $(STAMP)
	@$(BIN)/transparency validate $$OPTIONS $$FILES

new: $(STAMP)
	@test -n "$$TITLE" || { echo 'make new: give the title, like: make new TITLE="Grant to Victim Support" DATE=01/07/2021' >&2; exit 2; }
	@$(BIN)/transparency new decision --title "$$TITLE" $${DATE:+--date "$$DATE"}

# axe-core for the browser tests (tests/browser.py), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

bench-validate: $(STAMP)
	$(BIN)/python -m benchmarks.validate

# Bytes and time of a first search on the 10,000-record corpus in headless Chromium, beside Material's index.
bench-search: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.search

# Our build beside a plain Material build of the same text, at 2,000 and 10,000 records (minutes).
bench-site: $(STAMP)
	$(BIN)/python -m benchmarks.site

clean:
	rm -rf site $(VENV)
