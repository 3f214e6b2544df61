# corpus_tools — two commands on a fresh machine with python3.11+ and make:
#   make run    set up .venv and refresh every notebook, figure and report
#   make test   set up .venv and run the whole test suite, notebooks included
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv run test lab docs bench clean-cache help

help:
	@echo "make run    refresh notebooks, figures/ and reports/ on the seed corpus"
	@echo "make test   run the test suite (unit tests + notebooks)"
	@echo "make lab    open JupyterLab on notebooks/"
	@echo "make docs   print the seed corpus document table"

# Reinstall when the dependency list or the lock changes. The lock pins every
# package to the versions that produced the committed figures.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test,bench,dask]'
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/corpus-tools docs seeds
	$(BIN)/corpus-tools run

# The report test loads every rendered report in headless Chromium. make test finds
# Chromium (or installs it as .ci/run does, when root with apt-get) and then requires
# the check: without Chromium it stops here and says why, instead of skipping it.
test: venv
	@$(BIN)/python -m tests.browser --ensure
	CORPUS_TOOLS_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

docs: venv
	$(BIN)/corpus-tools docs seeds

# JupyterLab refuses to start as root unless told --allow-root.
lab: venv
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

clean-cache:
	rm -rf .cache
