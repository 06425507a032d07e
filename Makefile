# socplan: `make report` renders the demo region's annual report, `make test` runs the tests.
# Both create the virtual environment .venv on first use (needs only Python 3.11+ and pip).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.installed-base
TEST   := $(VENV)/.installed-test

.PHONY: report test test-fast lint format bench bench-open-data bench-batch bench-catalogue demo clean browser

$(BASE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST): $(BASE)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BASE)
	$(BIN)/socplan demo --if-missing

report: demo
	$(BIN)/socplan run

# Independent tests run in parallel, one worker per core (pytest-xdist); expensive
# artefacts (the demo data and report) are built once per run and shared by the workers.
PYTEST := $(BIN)/python -m pytest -n auto --dist worksteal --durations=15

test: $(TEST)
	$(BIN)/ruff check analysis tests benchmarks
	$(BIN)/ruff format --check analysis tests benchmarks
	$(PYTEST)

# The inner loop: everything but the end-to-end report renders and the wheel (marked
# slow), with fewer property-based examples.
test-fast: $(TEST)
	$(BIN)/ruff check analysis tests benchmarks
	HYPOTHESIS_PROFILE=dev $(PYTEST) -m "not slow"

# The headless browser of the browser tests: Debian's chromium and chromium-driver. CI runs
# this before the tests; elsewhere the browser tests skip when it is missing.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
	  echo "chromium and chromedriver are installed"; \
	else \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

lint: $(TEST)
	$(BIN)/ruff check analysis tests benchmarks

format: $(TEST)
	$(BIN)/ruff format analysis tests benchmarks
	$(BIN)/ruff check --fix analysis tests benchmarks

bench: $(BASE)
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_finance.py

# Reading every real source and rendering all 14 regions (needs ../shared/data/raw).
bench-open-data: $(BASE)
	$(BIN)/python benchmarks/bench_open_data.py

# The naive per-region loop against socplan batch: cold, unchanged, one parameter changed.
bench-batch: $(BASE)
	$(BIN)/python benchmarks/bench_batch.py

bench-catalogue: $(TEST) browser
	$(BIN)/python benchmarks/bench_catalogue.py

clean:
	rm -rf $(VENV) data/demo reports/20*
