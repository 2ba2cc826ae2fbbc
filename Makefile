# Research Digest. 'make site' builds the digest; 'make test' runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
# Reproducible builds: unless SOURCE_DATE_EPOCH is set, the site says it was built at the
# last commit's time, so the same checkout always builds the same bytes.
BUILD_EPOCH = $${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)}
# apt-get needs root: sudo unless we are root already (as in CI containers)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site add-deps serve refresh test test-quick lint pytest test-browser fuzz browser-deps golden bench bench-peers bench-fetch constraints clean help

help:
	@echo "make site         install into .venv/, then build site/ from sources.yaml and content/"
	@echo "                  (the build itself is offline)"
	@echo "make add-deps     install what 'add' needs to read a page (trafilatura)"
	@echo "make serve        serve a copy on http://127.0.0.1:8000/, rebuilt on every change (site/ is left alone)"
	@echo "make refresh      fetch the petitions' data from their platforms into data/petitions/"
	@echo "make test         lint (ruff, mypy --strict) and run every test"
	@echo "make test-quick   lint and the tests of seconds: no browser, kill -9 or XSS corpus"
	@echo "make lint         ruff and mypy only"
	@echo "make fuzz         run the property tests with 10,000 examples each, and report them"
	@echo "make browser-deps install what the browser tests use: Chromium, a JRE (Debian), npm packages"
	@echo "make test-browser run the browser tests only, failing if Chromium or the tools are missing"
	@echo "make golden       refresh tests/golden/ from tests/data/digest/ (review the diff)"
	@echo "make bench        time builds of synthetic 1,000- and 10,000-source digests"
	@echo "make bench-peers  time our build from nothing beside Hugo, Eleventy and Pelican's"
	@echo "                  (installed into .cache/bench-peers/ where the machine allows)"
	@echo "make bench-fetch  time 500 petition fetches against a local server"
	@echo "make constraints  re-pin constraints.txt to the newest releases"
	@echo "make clean        remove site/, .venv/, node_modules/ and caches"

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -e .
	touch $@

$(VENV)/.installed-add: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e '.[add]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e '.[test]'
	touch $@

# BASE_URL=https://... publishes at another address than the manifest's (as the Pages workflow does).
site: $(VENV)/.installed
	SOURCE_DATE_EPOCH=$(BUILD_EPOCH) $(PY) build.py build $(if $(BASE_URL),--base-url "$(BASE_URL)")

add-deps: $(VENV)/.installed-add

serve: $(VENV)/.installed
	$(PY) build.py serve

refresh: $(VENV)/.installed
	$(PY) build.py fetch

test: lint pytest

# While working: 'make test' (and CI) still runs everything.
test-quick: lint $(VENV)/.installed-test
	$(BIN)/pytest -m "not slow and not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

test-browser: $(VENV)/.installed-test
	DIGEST_BROWSER_TESTS=require $(BIN)/pytest -m browser

# Minutes, not seconds: 'make test' runs the same properties with 60 examples each.
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -m property --hypothesis-show-statistics

# Debian's chromium (Playwright drives it; nothing downloads a browser), a JRE for the Nu HTML
# Checker, and the npm packages of package-lock.json (axe-core, vnu-jar), their install
# scripts not run: vnu-jar's would download a Java of its own.
# Only what is missing is installed: Debian's npm conflicts with a Node.js from elsewhere.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $$missing; fi
	npm ci --ignore-scripts --no-audit --no-fund

golden: $(VENV)/.installed-test
	$(PY) -m tests.golden_refresh

# BENCH_ARGS='--sizes 1000 --runs 1' for a quick look. Each timed build writes into a new
# folder, deleted only after the timing: a large deletion slows this disk for minutes.
bench: $(VENV)/.installed-test
	$(PY) bench/build_bench.py $(BENCH_ARGS)

# Hugo from Debian (apt-get, with sudo unless root), Eleventy from npm and Pelican from PyPI
# into .cache/bench-peers/; a peer that cannot be installed is skipped, saying why.
# BENCH_ARGS='--sizes 1000 --rounds 1' for a quick look.
bench-peers: $(VENV)/.installed-test
	$(PY) bench/peers_bench.py $(BENCH_ARGS)

bench-fetch: $(VENV)/.installed-test
	$(PY) -m bench.fetch_bench

constraints: $(VENV)/.installed
	$(PIP) install --upgrade -e '.[test]'
	{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '^research-digest'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf site .cache $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
