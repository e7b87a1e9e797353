# coproduce — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
GOVUK_CSS := coproduce/static/govuk/coproduce.min.css
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-fast lint format bench setup setup-test frontend messages extract-messages browser-deps serve clean help

help:
	@echo "make demo   set everything up and serve the demo borough on http://127.0.0.1:8000"
	@echo "make test   set everything up and run every test"
	@echo "make lint | make bench | make extract-messages | make clean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(UV)
	$(UV) pip install -q --python $(BIN)/python -r requirements/base.txt
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

$(VENV)/.test-installed: requirements/test.txt pyproject.toml | $(UV)
	$(UV) pip install -q --python $(BIN)/python -r requirements/test.txt
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@ $(VENV)/.base-installed

$(GOVUK_CSS): frontend/package-lock.json frontend/scss/coproduce.scss
	bash scripts/build_frontend.sh

frontend: $(GOVUK_CSS)

messages: $(VENV)/.base-installed
	$(BIN)/pybabel -q compile -d coproduce/locale -D django

extract-messages: $(VENV)/.base-installed
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k gettext_lazy -k ngettext:1,2 -k pgettext:1c,2 -o coproduce/locale/django.pot .
	$(BIN)/pybabel update -i coproduce/locale/django.pot -d coproduce/locale -D django --no-fuzzy-matching

setup: $(VENV)/.base-installed frontend messages

setup-test: $(VENV)/.test-installed frontend messages browser-deps

# Debian's Chromium for the browser tests (never a downloaded browser) and an Arial-metric font.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-match arial 2>/dev/null | grep -qi liberation || { \
	  echo "Installing Debian packages: chromium fonts-liberation"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; }

demo: setup
	$(BIN)/coproduce demo

serve: setup
	$(BIN)/coproduce serve

test: setup-test
	$(BIN)/pytest -n 2 --dist loadfile -q

test-fast: setup-test
	$(BIN)/pytest -n 2 --dist loadfile -q -m "not browser and not slow"

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var coproduce/static/govuk frontend/node_modules
