# Two commands set everything up on a machine with Python 3.11 and make: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site serve test lint browser-deps validate new import bench-validate bench-site bench-search bench-preview demo clean

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

# An office's existing decision log, a record per row (see the staff guide):
#   make import LOG=decision-log.xlsx MAP=decision-log.map.yaml [OPTIONS="--sheet 2019 --dry-run"]
import: $(STAMP)
	@test -n "$$LOG" && test -n "$$MAP" || { echo 'make import: give the log and its map, like: make import LOG=decision-log.xlsx MAP=decision-log.map.yaml OPTIONS=--dry-run' >&2; exit 2; }
	@$(BIN)/transparency import "$$LOG" --map "$$MAP" $$OPTIONS

# What the browser tests (tests/browser.py) need from Debian: Chromium and its driver, real
# text metrics (fonts-liberation) and npm for axe-core. Installed when missing and this machine
# can (root, or sudo without a password, and apt-get); where it cannot, the browser tests are
# skipped with one line saying how to run them (never under CI=true: they fail instead).
BROWSER_DEBS := $(if $(wildcard /usr/bin/chromium),,chromium) $(if $(wildcard /usr/bin/chromedriver),,chromium-driver) \
	$(if $(wildcard /usr/share/fonts/truetype/liberation),,fonts-liberation) $(if $(shell command -v npm),,npm)
SUDO := $(if $(filter 0,$(shell id -u)),,$(if $(shell sudo -n true 2>/dev/null && echo yes),sudo))
CAN_APT := $(and $(shell command -v apt-get),$(or $(filter 0,$(shell id -u)),$(SUDO)))

browser-deps:
ifneq ($(strip $(BROWSER_DEBS)),)
ifneq ($(CAN_APT),)
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(BROWSER_DEBS) >/dev/null
endif
endif

# axe-core for the browser tests, pinned in package-lock.json.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json | browser-deps
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $@; fi

# Lint and type checks (configured in pyproject.toml): `make test` stops on any problem they find.
lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks
	$(BIN)/mypy

test: $(TEST_STAMP) browser-deps $(NODE_STAMP) lint
	$(BIN)/python -m pytest

# A demonstration site with every page type and register populated: the benchmark corpus at a few
# hundred decisions (benchmarks/demo.py), built as an office builds its own.
DEMO := .bench/demo

demo: $(STAMP)
	$(BIN)/python -m benchmarks.demo $(DEMO)
	$(BIN)/transparency build --config $(DEMO)/mkdocs.yml
	@echo "Look at it with: $(BIN)/python -m http.server -d $(DEMO)/site  (then open http://127.0.0.1:8000/)"

bench-validate: $(STAMP)
	$(BIN)/python -m benchmarks.validate

# Bytes and time of a first search on the 10,000-record corpus in headless Chromium, beside Material's index.
bench-search: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.search

# transparency build beside a plain Material build of the same text, and our search index beside
# Pagefind's own command, at 1,000, 2,000 and 10,000 records (many minutes); other sizes with
#   make bench-site RECORDS="1000 10000 50000"
RECORDS ?= 1000 2000 10000

bench-site: $(STAMP)
	$(BIN)/python -m benchmarks.site --records $(RECORDS)

# Save one record under `make serve` at 10,000 records: seconds until its page, then its lists
# and registers, are served, beside the full rebuild every save cost before (minutes).
bench-preview: $(STAMP)
	$(BIN)/python -m benchmarks.preview

clean:
	rm -rf site $(VENV)
