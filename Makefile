# Torchenstein: `make play` sets up and plays; `make test` sets up and runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
# The PyTorch to install. Empty (TORCH_SPEC=) keeps whatever torch the environment already has,
# e.g. with VENV_FLAGS=--system-site-packages to reuse an existing CUDA or MPS build.
TORCH_SPEC ?= torch==2.13.0
VENV_FLAGS ?=
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup play test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV_FLAGS) $(VENV)
	if [ -n "$(TORCH_SPEC)" ]; then $(BIN)/python -m pip install -q "$(TORCH_SPEC)"; fi
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

play: setup
	$(BIN)/python -m game $(ARGS)

test: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -q
	$(BIN)/python -m game author check

bench: setup
	$(BIN)/python benchmarks/verdict_latency.py
	$(BIN)/python benchmarks/launch.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
