# Torchenstein: `make play` sets up the game and plays; `make test` adds the test tools and runs
# every check. After either, the command line is `.venv/bin/torchenstein` (see README.md).
PYTHON ?= python3
VENV ?= .venv
# The PyTorch to install. Empty (TORCH_SPEC=) keeps whatever torch the environment already has,
# e.g. with VENV_FLAGS=--system-site-packages to reuse an existing CUDA or MPS build.
TORCH_SPEC ?= torch==2.13.0
VENV_FLAGS ?=
# The type checker `make test` runs (configured in mypy.ini).
MYPY_SPEC ?= mypy==1.15.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: setup setup-test play test typecheck bench clean

# The game only: what a player needs.
setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV_FLAGS) $(VENV)
	if [ -n "$(TORCH_SPEC)" ]; then $(BIN)/python -m pip install -q "$(TORCH_SPEC)"; fi
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

# The game and its test tools.
setup-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e ".[test]" "$(MYPY_SPEC)"
	touch $(TEST_STAMP)

play: setup
	$(BIN)/torchenstein $(ARGS)

typecheck: setup-test
	$(BIN)/python -m mypy

test: setup-test
	sh tests/browser/install_browser.sh
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	$(BIN)/torchenstein author check

bench: setup
	$(BIN)/python benchmarks/verdict_latency.py
	$(BIN)/python benchmarks/launch.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
