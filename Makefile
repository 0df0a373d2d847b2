# Trigger Point Atlas - two commands: `make run` and `make test`.
# Both create .venv on first use (Python >= 3.11) and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test check lint assets bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

## Start the atlas.
run: $(VENV)/.installed
	$(PY) -m viewer

## Run the whole test suite (pytest-xvfb provides a virtual display when there is none).
test: $(VENV)/.installed-test
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

## Validate data and meshes.
check: $(VENV)/.installed
	$(PY) -m viewer check

lint: $(VENV)/.installed-test
	$(VENV)/bin/lint-imports

## Rebuild assets/meshes from data/anatomy.
assets: $(VENV)/.installed
	$(PY) -m viewer build-assets

bench: $(VENV)/.installed
	$(PY) -m viewer bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
