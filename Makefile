# Two commands: `make run` serves the dashboard on the sample data, `make test` runs every test.
# Both create .venv and install the pinned dependencies first; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     ?= data/audit.duckdb
PORT   ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: install run test sample data clean-data bench bench-10x bench-browser bench-imports bench-lake i18n-compile i18n-extract \
	i18n-update

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	@# uv installs the same pinned wheels as pip, in parallel: 8 s against pip's 85 s here (BENCHMARKS.md, the test
	@# suite). Where uv cannot be had or fails (an index only pip is configured for), pip does it, more slowly.
	$(PY) -m pip install --quiet uv && $(PY) -m uv pip install --quiet --python $(PY) -r requirements.lock \
	  || { echo "uv could not install the packages: installing them with pip instead (slower)"; \
	       $(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -r requirements.lock; }
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The translations (docs/i18n.md): the Swedish catalogue is compiled at install; extract and update refresh it
# from the code's messages (the English text is the message id).
LOCALE := dashboard/locale
MO     := $(LOCALE)/sv/LC_MESSAGES/messages.mo
$(MO): $(LOCALE)/sv/LC_MESSAGES/messages.po | $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d $(LOCALE) -D messages -l sv

# The sample store, built through the real ingest path when absent.
$(DB): | $(STAMP) $(MO)
	$(PY) -m dashboard ingest sample_data --db $(DB) --quiet

data: $(DB)

i18n-compile: $(MO)

i18n-extract: $(STAMP)
	$(VENV)/bin/pybabel extract --no-location --sort-output -F babel.cfg -o $(LOCALE)/messages.pot dashboard

i18n-update: i18n-extract
	$(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages -l sv
	$(MAKE) i18n-compile
	$(PY) -c 'from dashboard.labels import glossary_markdown as g; open("docs/glossary.md", "w").write(g())'

run: $(STAMP) $(DB) $(MO)
	AUDIT_DB=$(DB) $(PY) -m dashboard serve --server.address $(ADDRESS) --server.port $(PORT)

# Both cores: one worker per core. Each browser test file stays on one worker with its server (tests/conftest.py) and
# is handed out first (tests/conftest.py); the other tests are handed out one by one around them, which balances
# the two workers (measured: 515-585 s against 649 s for whole files). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
AXE := $(VENV)/axe/axe-4.14.1.min.js
test: $(STAMP) $(AXE) $(MO)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=15

# axe-core (the browser tests' accessibility check) from its npm package, checked against the registry's digest.
$(AXE): tests/axe.py | $(STAMP)
	$(PY) -m tests.axe

# Regenerate the committed sample logs (deterministic: the same bytes each time).
sample: $(STAMP)
	$(PY) -m dashboard sample --out sample_data

clean-data:
	rm -f $(DB) $(DB).wal

# The scale benchmark (minutes, gigabytes; not part of `make test`): writes BENCHMARKS.md.
bench: $(STAMP) $(MO)
	$(PY) -m dashboard bench

# Time to a finished page in chromium, per page, on the sample data: writes BENCHMARKS.browser.md.
bench-browser: $(STAMP) $(MO)
	$(PY) -m dashboard bench-browser

# A million-row Usercentrics and Didomi export imported through the one ingest path: writes BENCHMARKS.imports.md.
bench-imports: $(STAMP)
	$(PY) -m dashboard bench-imports

# The refresh jobs over a Parquet lake at 1x and 10x on DuckDB and on chdb (issue 19): generates the 1x logs, then
# writes BENCHMARKS.lake.md. LAKE_FILES=DIR reuses logs generated before (bench --keep leaves them in its workdir).
LAKE_FILES ?= /tmp/audit-bench-lake/files
# 1x, 10x and 20x take about two hours on 2 cores; LAKE_TIMES="1 10" about half an hour.
LAKE_TIMES ?= 1 10 20
bench-lake: $(STAMP)
	test -f $(LAKE_FILES)/consent_events.parquet || $(PY) -m dashboard.bench --phase generate \
		--args '{"workdir": "$(LAKE_FILES)", "volumes": {"consent": 75, "requests": 197, "transfers": 82}}'
	$(PY) -m dashboard bench-lake --files $(LAKE_FILES) --times $(LAKE_TIMES)

# The same at ten times the volume, generated in shards of bounded memory and ingested with the default memory limit
# (issue 14); after `make bench` it says how each figure grew against BENCHMARKS.json. The logs and store stay in
# /tmp/audit-bench-10x (about 8 GB): a rerun reuses the logs while the generator is unchanged.
bench-10x: $(STAMP) $(MO)
	$(PY) -m dashboard bench --workdir /tmp/audit-bench-10x --times 10 --one-format --keep --reuse \
		$(if $(wildcard BENCHMARKS.json),--compare BENCHMARKS.json) --out BENCHMARKS.10x.md
