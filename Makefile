# fastish — the two commands: `make demo` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PYTHONDONTWRITEBYTECODE := 1

# The demo's local cloud; tests start their own on other ports (molecule lane N: TEST_LOCALCLOUD_PORT + N,
# state TEST_LOCALCLOUD_DIR-N), so they never touch the demo's state.
export FASTISH_LOCALCLOUD_PORT ?= 5400
export FASTISH_LOCALCLOUD_DIR ?= $(CURDIR)/.localcloud
TEST_LOCALCLOUD_PORT ?= 5410
TEST_LOCALCLOUD_DIR ?= $(CURDIR)/.localcloud/test
# Tests and scenarios wait on emulated AWS lifecycles part of the time: one worker / lane more than there
# are cores keeps every core busy.
CORES := $(shell nproc 2>/dev/null || echo 2)
PYTEST_WORKERS ?= $(shell echo $$(( $(CORES) + 1 )))

LOCAL_INV := inventories/local
PLAYBOOKS := $(sort $(wildcard playbooks/*.yml))
INVENTORIES := inventories/local inventories/example
# Scenario directories (molecule/shared holds the playbooks they share), the longest first: a scenario
# keeps about one core busy, so `make molecule` runs them in parallel lanes (tools/molecule_lanes.py).
MOLECULE_SCENARIOS := $(sort $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))
MOLECULE_LONGEST := druid webapp eks vpc cluster_addons bootstrap karpenter
MOLECULE_ORDER := $(MOLECULE_LONGEST) $(filter-out $(MOLECULE_LONGEST),$(MOLECULE_SCENARIOS))
MOLECULE_LANES ?= $(shell echo $$(( $(CORES) + 1 )))

.PHONY: help venv demo test lint syntax unit molecule bench localcloud-up localcloud-down k8s-build clean

help: ## this list
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt tools/install-system-deps.sh
	tools/install-system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --progress-bar off -r requirements.txt
	touch $@

venv: $(BIN)/.installed ## create .venv with the pinned tools (ansible, moto, molecule, linters)

k8s-build: ## build kube-apiserver + kube-controller-manager v1.20.2 (+ etcd) once (~6 min), cached outside the repo
	tools/k8s/build-kube-apiserver.sh

localcloud-up: venv k8s-build ## start the local cloud: AWS (patched moto, HTTPS) + Kubernetes, on 127.0.0.1
	$(BIN)/python -m tools.localcloud up

localcloud-down: ## stop the demo's API service and the local cloud (AWS + Kubernetes) by their recorded pids
	@if [ -x $(BIN)/python ]; then $(BIN)/python tools/demo_api.py down; $(BIN)/python -m tools.localcloud down; fi

demo: localcloud-up ## converge every release of inventories/local on the local cloud, print the outputs, start the API
	ansible-playbook -i $(LOCAL_INV) playbooks/bootstrap.yml
	ansible-playbook -i $(LOCAL_INV) playbooks/webapp.yml
	ansible-playbook -i $(LOCAL_INV) playbooks/druid.yml
	$(BIN)/python tools/demo_api.py up

bench: venv ## load the demo's API service (after make demo): requests/s and p50/p99 of GET /v1/items/{id}
	$(BIN)/python tools/demo_api.py bench --seconds 10 --concurrency 8

lint: venv ## yamllint, ansible-lint (production profile), ruff
	yamllint -s .
	ansible-lint --offline -q
	ruff check .
	ruff format --check .

syntax: venv ## ansible-playbook --syntax-check of every playbook against both inventories
	@for inv in $(INVENTORIES); do for pb in $(PLAYBOOKS); do \
	  echo "syntax-check $$pb -i $$inv"; \
	  ANSIBLE_HOST_PATTERN_MISMATCH=ignore FASTISH_EXTERNAL_ID_PROD=x FASTISH_EXTERNAL_ID_STAGING=x \
	    ansible-playbook --syntax-check -i $$inv $$pb >/dev/null; \
	done; done

unit: venv k8s-build ## pytest: plugins, modules, local cloud patches, validation, precedence
	pytest -q -n $(PYTEST_WORKERS) --dist loadgroup tests services/api/tests

molecule: venv k8s-build ## molecule scenarios in $(MOLECULE_LANES) parallel lanes, each on its own local cloud (started and stopped here)
	$(BIN)/python tools/molecule_lanes.py --lanes $(MOLECULE_LANES) --port $(TEST_LOCALCLOUD_PORT) \
	  --dir $(TEST_LOCALCLOUD_DIR) $(MOLECULE_ORDER)

test: lint syntax unit molecule ## everything CI runs (.ci/run calls exactly this)

clean: localcloud-down ## stop the local cloud, remove .venv, outputs and caches
	rm -rf $(VENV) outputs .localcloud .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
