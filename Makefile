# The two commands of the README: `make demo` and `make test`. Both set up
# everything they need on a fresh machine (a virtual environment from the
# pinned lock file) before they run.
PYTHON ?= python3.11
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
BIN := $(VENV)/bin
DEMO_DIR ?= sinergi-data/demo
DEMO_PERSONS ?= 250000
DEMO_HOME ?= sinergi-data
export UV_PYTHON_DOWNLOADS := never
# The demo regency (Dompu, NTB) keeps WITA.
demo: export SINERGI_TIME_ZONE ?= Asia/Makassar
# Documents become PDF through LibreOffice; pdftoppm renders their pages for a person to look at.
SOFFICE := /usr/bin/soffice
PDFTOPPM := /usr/bin/pdftoppm
# `--engine spark` runs PySpark (from the lock file) on Java 17.
JAVA := /usr/bin/java

.PHONY: demo test lint lock bench screenshots docs-preview clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==0.13.9

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

demo: $(VENV)/.installed $(SOFFICE)
	$(BIN)/sinergi synth --regency 52.05 --persons $(DEMO_PERSONS) --seed 1 --out $(DEMO_DIR) --force
	$(BIN)/sinergi import $(DEMO_DIR)/sources --home $(DEMO_HOME) --wilayah 52.05
	$(BIN)/sinergi link --home $(DEMO_HOME) --evaluate $(DEMO_DIR)/truth
	$(BIN)/sinergi diagnose --home $(DEMO_HOME) --evaluate $(DEMO_DIR)/truth
	$(BIN)/sinergi stats --home $(DEMO_HOME) --lines gk_52.05_2024-03_total,ext_usd190_00_2021-03
	$(BIN)/sinergi serve --home $(DEMO_HOME) --demo-users --setup-only
	for kind in rpkd rat lp2kd notulen; do \
	  $(BIN)/sinergi report $$kind --home $(DEMO_HOME) --wilayah 52.05 --out $(DEMO_HOME)/dokumen-demo || exit 1; \
	done
	$(BIN)/sinergi serve --home $(DEMO_HOME) --demo-users --http

# The site's tests run twice: on SQLite (the default) and on PostgreSQL.
TEST_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test
# Browser tests drive Debian's chromium (never a browser Playwright downloads).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

$(SOFFICE):
	apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui

$(PDFTOPPM):
	apt-get update -qq && apt-get install -y -qq poppler-utils

$(JAVA):
	apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless

test: $(VENV)/.installed $(CHROMIUM) $(SOFFICE) $(PDFTOPPM) $(JAVA) lint
	$(BIN)/pytest
	SINERGI_DATABASE_URL=$(TEST_POSTGRES) $(BIN)/pytest -q tests/web

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/synth.py
	$(BIN)/python benchmarks/import_files.py
	$(BIN)/python benchmarks/link.py
	$(BIN)/python benchmarks/pipeline.py
	$(BIN)/python benchmarks/stats.py
	$(BIN)/python benchmarks/web.py

# The README's screenshots, taken from a running `make demo` (read-only against it).
SCREENSHOTS_URL ?= http://127.0.0.1:8000

screenshots: $(VENV)/.installed $(CHROMIUM)
	$(BIN)/python scripts/screenshots.py --url $(SCREENSHOTS_URL) --out docs/screenshots

# The first pages of the latest documents (`make demo` or `sinergi report`) as PNG images.
docs-preview: $(VENV)/.installed $(PDFTOPPM)
	$(BIN)/python scripts/docs_preview.py --home $(DEMO_HOME) --out $(DEMO_HOME)/reports/pratinjau

# Re-pin after editing pyproject.toml: the lock carries versions and hashes only.
lock: | $(UV)
	$(UV) lock --python $(PYTHON)
	$(UV) export --frozen --no-emit-project --all-groups --format requirements.txt -o requirements.lock

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
