# One entry point for people and CI. `make dev` runs the platform, `make test` proves it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: dev test install migrate seed schema schema-check lint unit integration clean oracle \
        backup-db restore-db fuzz chaos storefront native native-clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e '.[dev,test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) -m infra.dev migrate

seed: migrate
	$(PY) -m infra.dev seed

schema: install
	$(PY) -m infra.dev schema

schema-check: install
	$(PY) -m infra.dev schema --check

dev: install
	$(PY) -m infra.dev up

lint: install
	$(BIN)/ruff check gateway subgraphs streaming common infra tests
	$(BIN)/lint-imports

oracle:
	@# Installs Apollo Gateway for the differential tests when missing or older than the lock file.
	@o=tests/gateway/oracle; \
	if ! command -v npm >/dev/null 2>&1; then echo "npm not found: differential tests will be skipped"; \
	elif [ ! -f $$o/package-lock.json ]; then echo "$$o/package-lock.json missing: no oracle"; \
	elif [ ! $$o/node_modules/.package-lock.json -nt $$o/package-lock.json ]; then \
	  (cd $$o && npm ci --silent --no-audit --no-fund); fi

test: install lint oracle
	$(BIN)/pytest

fuzz: EXAMPLES ?= 100
fuzz: SEED ?= 20261204
fuzz: install
	@# schemathesis against the gateway and every subgraph (tests/e2e/test_fuzz.py); `make test` runs 3 examples
	@# per operation, this many more. FUZZ_HEADERS='{"x-...": "..."}' adds headers to every request.
	FUZZ_EXAMPLES=$(EXAMPLES) FUZZ_SEED=$(SEED) $(BIN)/pytest tests/e2e/test_fuzz.py -s --timeout 3600

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

native: install
	@# Optional: the executor's hot modules compiled with mypyc, beside their sources (infra/native.py).
	$(PY) -m infra.native build

native-clean:
	$(PY) -m infra.native clean

bench: DURATION ?= 30
bench: install
	@# The federation benchmark (tests/bench/federation/run.py); `make bench DURATION=10` for a short run.
	$(PY) tests/bench/federation/run.py --duration $(DURATION)

backup-db: install
	@# Every service database (or SERVICE=orders) into var/backups (BACKUP_DIR), 7 days kept;
	@# UPLOAD=1 copies to BACKUP_S3_BUCKET as well (README, "Backups and restore").
	$(PY) -m infra.backup backup $(if $(SERVICE),--service $(SERVICE)) $(if $(UPLOAD),--upload)

restore-db: install
	@# make restore-db SERVICE=orders FROM=var/backups [TARGET=postgresql://...] [FORCE=1]
	@test -n "$(SERVICE)" -a -n "$(FROM)" || { echo "usage: make restore-db SERVICE=orders FROM=var/backups"; exit 2; }
	$(PY) -m infra.backup restore --service $(SERVICE) --from $(FROM) $(if $(TARGET),--target $(TARGET)) $(if $(FORCE),--force)

chaos: CHAOS_ORDERS ?= 90
chaos: install
	@# The chaos suite at full length (tests/chaos): every scenario, more orders and customers
	@# than the CI run (which takes the in_ci scenarios at 30 orders each); table in var/.
	mkdir -p var
	CHAOS_EVERY_SCENARIO=1 CHAOS_ORDERS=$(CHAOS_ORDERS) CHAOS_CUSTOMERS=12 \
	CHAOS_REPORT=var/chaos-table.md $(BIN)/pytest tests/chaos -p no:cacheprovider -q

storefront: install
	@# Build the web app (storefront/, needs npm) when its sources changed; `make dev` serves it on :3000.
	$(PY) -m infra.dev.storefront build
