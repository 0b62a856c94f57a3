# Two commands for a fresh machine: `make demo` and `make test`.
# Each creates its own virtual environment in $(VENV); torch 2.13.0 (the CPU wheel)
# is installed first so that no looser requirement pulls the CUDA build.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TORCH_VERSION ?= 2.13.0
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==$(TORCH_VERSION)
	$(PY) -m pip install --quiet -e ".[torch,plot,test,bench,docs,data]"
	touch $@

demo: $(INSTALLED)
	$(VENV)/bin/skcorr report --out skcorr_report

# The tests, then the documentation built warning-free (gallery listed, not run).
test: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m pytest
	SKCORR_QUICK_DOCS=1 $(VENV)/bin/sphinx-build -W -q -b html doc doc/_build/html

lint: $(INSTALLED)
	$(PY) -m ruff check .

# Every benchmark (interleaved rounds, numbers checked), then the table that
# doc/performance.rst shows: benchmarks/results/table.rst. BENCH_ARGS=--quick
# for a run of a few minutes (into benchmarks/results/quick/). DESlib, the peer
# of the Kuncheva measures, is installed without its dependencies (its pins
# would downgrade scikit-learn).
bench: $(INSTALLED)
	$(PY) -m pip install --quiet --no-deps deslib==0.3.7
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info

# The documentation with every gallery example run.
docs: $(INSTALLED)
	$(VENV)/bin/sphinx-build -W -b html doc doc/_build/html
