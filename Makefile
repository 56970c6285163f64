# Riverbed: every target installs what it needs itself (see infra/local/bootstrap.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST_ARGS ?=

.PHONY: help install demo test lint format bench diagrams

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

install: ## Install uv, system packages (when absent) and the workspace
	@bash infra/local/bootstrap.sh

demo: install ## Run the main job end to end on embedded defaults
	$(UV) run --frozen riverbed demo

test: install ## Run the whole test suite (starts real services itself)
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, mypy
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	TF_CLI_CONFIG_FILE=/dev/null infra/local/build/bin/terraform fmt -check -recursive infra/terraform

format: install ## Apply ruff fixes and formatting
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

bench: install ## Run every benchmark in bench/ and print its figures
	@for b in bench/*.py; do echo "== $$b"; $(UV) run --frozen python $$b || exit 1; done

diagrams: install ## Render architecture.png and architecture-local.png from docs/diagrams/
	$(UV) run --frozen python docs/diagrams/render.py
