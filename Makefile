# One-command set-up: `make book` builds the course, `make test` checks everything.
# Needs only Python 3.11+, git and make (browser tests also need Chromium: see .ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LAB_STAMP := $(VENV)/.lab-installed-stamp
# JupyterLab settings shared by `make lab`, the live test and JupyterHub/BinderHub (binder/)
LAB_CONFIG := $(CURDIR)/binder/jupyter-config
SITE   := _build/html
JB_FLAGS := --builder html -W --keep-going -n
JB     := $(BIN)/jupyter-book build . $(JB_FLAGS)
# `make test` executes each notebook once for two checks: nbmake runs a copy of the course and
# keeps the outputs (--overwrite), and the strict build renders that copy without executing.
EXECUTED := .executed
JOBS   ?= 2
# Three browser workers keep both cores busy (each test waits on Chromium between bursts of
# rendering); six were slower, only adding contention.
BROWSER_JOBS ?= 3

.PHONY: help install book pdf test static-checks lint format check unit notebooks build-strict browser book-checks screenshots live bench lab lab-install clean

help:
	@echo "make book   - install, execute every notebook and build the HTML book into $(SITE)"
	@echo "make test   - install, then lint, quiz/data checks, unit tests, notebooks, strict build, browser and live tests"
	@echo "make pdf    - build the book, then print it to _build/pdf/course.pdf and answer-key.pdf"
	@echo "make lab    - JupyterLab on the working copy _lab/ of the course (instructors)"
	@echo "make live   - drive every notebook in JupyterLab in headless Chromium"
	@echo "make bench  - build, execution and page-size benchmarks"
	@echo "make clean  - remove the build and caches (keeps .venv)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

book: install
	$(JB)
	@echo
	@echo "The book is built. Open $(CURDIR)/$(SITE)/index.html in a browser"
	@echo "(or serve it: $(BIN)/python -m http.server -d $(SITE) 8000)."

# The printable course (system Chromium): a section per page, no answers; and the answer key.
pdf: book
	$(BIN)/coursekit pdf

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/coursekit check

unit: install
	$(BIN)/pytest -q -n $(JOBS) -m "not browser and not live" tests

notebooks: install
	rm -rf $(EXECUTED)
	mkdir -p $(EXECUTED)
	cp -R book _toc.yml $(EXECUTED)/
	sed 's/^  execute_notebooks: force$$/  execute_notebooks: "off"/' _config.yml > $(EXECUTED)/_config.yml
	grep -q '^  execute_notebooks: "off"$$' $(EXECUTED)/_config.yml
	$(BIN)/pytest -q -n $(JOBS) --nbmake --nbmake-timeout=30 --overwrite $(EXECUTED)/book
	touch $(EXECUTED)/.executed-stamp

# The strict build of the notebooks `make notebooks` has just executed (it runs them again if
# anything changed since). The download button offers each notebook as written, as `make book`.
build-strict: install
	@if [ ! -f $(EXECUTED)/.executed-stamp ] || [ -n "$$(find book src _config.yml _toc.yml \
		-newer $(EXECUTED)/.executed-stamp -print -quit)" ]; then \
		$(MAKE) --no-print-directory notebooks; fi
	rm -rf $(SITE)
	$(BIN)/jupyter-book build $(EXECUTED) --path-output . $(JB_FLAGS)
	cd book && find . -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' \
		-exec cp {} ../$(SITE)/_sources/book/{} \;

browser: install
	$(BIN)/pytest -q -n $(BROWSER_JOBS) --dist worksteal -m browser tests/browser

# Retake the README screenshots from the built book (docs/screenshots/).
screenshots: install lab-install
	COURSEKIT_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q -m browser tests/browser/test_screenshots.py
	COURSEKIT_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q -m live tests/live -k "fear"

live: lab-install
	$(BIN)/pytest -q -m live tests/live

# The live JupyterLab test spends most of its time waiting for kernels and the browser, and
# needs nothing the other checks make: it runs alongside them (lint, quiz/data checks, unit
# tests, notebooks, strict build, browser tests with the PDF, one after another) to keep
# `make test` within its time budget on a 2-core machine.
test: install lab-install
	$(MAKE) --no-print-directory -j2 live static-checks
	@echo "All checks passed."

static-checks: install
	$(MAKE) --no-print-directory -j1 lint check unit notebooks book-checks

book-checks: install
	$(MAKE) --no-print-directory build-strict
	$(MAKE) --no-print-directory browser

bench: install
	$(BIN)/python tests/bench.py

# binder/postBuild installs with the same command (tests/test_lab.py checks).
$(LAB_STAMP): pyproject.toml constraints.txt | $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,lab]"
	@touch $(LAB_STAMP)

lab-install: $(LAB_STAMP)

# The working copy _lab/ is git-ignored: running and editing notebooks never changes the
# repository. Re-running updates the files you have not edited and keeps your edits.
lab: lab-install
	$(BIN)/coursekit lab
	JUPYTER_CONFIG_PATH="$(LAB_CONFIG)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)/_lab"

clean:
	rm -rf _build $(EXECUTED) .pytest_cache .ruff_cache .hypothesis .jupyter_cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
