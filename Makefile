# The two commands a new user needs (see README):
#   make demo   - create .venv, install rumourscope, write the report on the bundled demo case
#   make test   - install the test dependencies (and Chromium for browser tests), run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint readme-images clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[app]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	bash tools/install-system-deps
	touch $@

# the demo report folder belongs to this target, so re-running it replaces the folder
demo: $(VENV)/.installed
	$(BIN)/rumourscope demo --out rumourscope-demo-report --force

# one worker per core; a module's tests stay on one worker, so its shared fixtures are made once
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto --dist loadscope

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks

# the README's screenshots of the app, as the browser test takes them
README_IMAGES := app-case app-case-rosters app-teach app-explore
readme-images: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/browser/test_app.py
	for name in $(README_IMAGES); do cp build/screenshots/$$name.png docs/images/; done

clean:
	rm -rf $(VENV) build dist .pytest_cache
