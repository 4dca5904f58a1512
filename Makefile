# Entry points. `make run` and `make test` work on a fresh Debian 12 machine: each installs
# what it needs first (scripts/install-deps.sh is idempotent).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
KAOS := $(BUILD_DIR)/bin/kaos

.PHONY: all deps configure build run test unit-test integration-test conformance-test check bench clean crds

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); fi

build: configure
	@cmake --build $(BUILD_DIR)

# The main job: the quickstart (a mock model, calculator tools, one assistant) as local
# processes with `kaos up`, in the foreground until Ctrl-C.
run: build
	@echo "Starting examples/quickstart with kaos up (Ctrl-C stops it). In another terminal:"
	@echo "  $(KAOS) chat assistant 'Please add {\"a\": 2, \"b\": 3}'"
	@echo "  $(KAOS) memory assistant"
	@$(KAOS) up -f examples/quickstart

# Every test: static checks, unit and integration tests (CTest), Node conformance tests.
test: build
	@scripts/check-layering.py
	@cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600
	@scripts/conformance.sh $(KAOS)

check:
	@scripts/check-layering.py

# Regenerates deploy/crds/ from the resource model.
crds: build
	@$(KAOS) crds --output-dir deploy/crds

bench: build
	@bench/run.sh $(KAOS)

clean:
	rm -rf $(BUILD_DIR)
