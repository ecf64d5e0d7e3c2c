# Vigie — common tasks. `make run` to try it, `make test` for what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DATA_DIR ?= ./data
LISTEN   ?= 127.0.0.1:9400
# Marker written after a successful install; redone when package.json or the lock file changes.
DEPS := node_modules/.vigie-installed

.PHONY: help run build build-ui lint test test-prep system-deps bench clean deps

help:
	@echo "make run    install, build and start the server on $(LISTEN) (data in $(DATA_DIR))"
	@echo "make test   install, build, lint, then run every test (ends with 'N passed, N failed')"
	@echo "make build | lint | bench | clean"

# npm ci when a lock file exists (reproducible), npm install otherwise.
$(DEPS): package.json $(wildcard package-lock.json)
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

# The web UI (ui/) is its own package: its dependencies install into ui/node_modules.
UI_DEPS := ui/node_modules/.vigie-installed
UI_SOURCES := $(shell find ui/src -type f 2>/dev/null) ui/index.html ui/vite.config.ts ui/tsconfig.json

$(UI_DEPS): ui/package.json $(wildcard ui/package-lock.json)
	@cd ui && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

deps: $(DEPS) $(UI_DEPS)

# ui/dist (not committed) is what the server serves at /; rebuilt when a UI source changes.
ui/dist/index.html: $(UI_DEPS) $(UI_SOURCES)
	cd ui && npm run --silent build

build-ui: ui/dist/index.html

build: $(DEPS) build-ui
	npx tsc -p tsconfig.json

run: build
	./bin/vigie server --data-dir $(DATA_DIR) --listen $(LISTEN)

lint: $(DEPS)
	npm run --silent lint

# Debian packages the tests run against (real peers on loopback). Each is installed only
# when its command is missing; a test whose peer cannot be installed says so and skips.
# Format: command:package
TEST_PEERS := prometheus:prometheus victoria-metrics:victoria-metrics prometheus-node-exporter:prometheus-node-exporter \
  prometheus-blackbox-exporter:prometheus-blackbox-exporter amtool:prometheus-alertmanager dnsmasq:dnsmasq-base ping:iputils-ping \
  chromium:chromium openssl:openssl

system-deps:
	@missing=(); for cp in $(TEST_PEERS); do command -v "$${cp%%:*}" >/dev/null 2>&1 || missing+=("$${cp#*:}"); done; \
	if [ $${#missing[@]} -gt 0 ]; then \
	  echo "installing test peers: $${missing[*]}"; \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$${missing[@]}" >/dev/null) || echo "WARNING: could not install $${missing[*]}: tests that need them will skip"; \
	  else echo "WARNING: not root, cannot install $${missing[*]}: tests that need them will skip"; fi; \
	fi

# Everything `make test` does before running the tests (.ci/run calls it on its own).
test-prep: system-deps build lint

test: test-prep
	node scripts/run-tests.mjs

bench: build
	@if [ -x bench/run.sh ]; then bench/run.sh; elif [ -f bench/run.sh ]; then bash bench/run.sh; else echo "no bench/run.sh yet"; fi

clean:
	rm -rf dist test-artifacts ui/dist
