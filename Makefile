# One entry point for people and CI. `make dev` runs the platform, `make test` proves it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: dev test install migrate seed schema schema-check lint unit integration clean oracle

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e '.[test]'
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
	$(BIN)/ruff check gateway subgraphs streaming infra tests
	$(BIN)/lint-imports

oracle:
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/gateway/oracle && [ -d node_modules ] || npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: differential tests will fail"; fi

test: install lint schema-check oracle
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
