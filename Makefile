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
	$(PY) -m pip install --quiet -e ".[torch,plot,test,bench]"
	touch $@

demo: $(INSTALLED)
	$(VENV)/bin/skcorr report --out skcorr_report

test: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(INSTALLED)
	$(PY) -m ruff check .

bench: $(INSTALLED)
	$(PY) benchmarks/bench_metrics.py

clean:
	rm -rf $(VENV) build *.egg-info

docs: $(INSTALLED)
	$(PY) -m pip install --quiet -e ".[docs]"
	SKCORR_QUICK_DOCS=$(QUICK_DOCS) $(VENV)/bin/sphinx-build -b html doc doc/_build/html
