# Entry points. `make run` and `make test` work on a fresh Debian 12 machine: each installs
# what it needs first (scripts/install-deps.sh is idempotent).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
KAOS := $(BUILD_DIR)/bin/kaos

.PHONY: all deps configure build run test check tidy bench clean crds

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

# Every test: static checks, unit and integration tests (CTest, including the probes that a
# forbidden #include fails to compile), Node conformance tests.
test: check build
	@cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600
	@scripts/conformance.sh $(KAOS)

# Static checks, fast: the layering rule (scripts/check-layering.py) and the tree clean under
# .clang-format (scripts/check-format.sh).
check: deps
	@scripts/check-layering.py
	@scripts/check-format.sh

# clang-tidy with .clang-tidy over src/ (slow on two cores: its own target, not in `make test`).
tidy: build
	@scripts/tidy.sh $(BUILD_DIR)

# Regenerates deploy/crds/ from the resource model.
crds: build
	@$(KAOS) crds --output-dir deploy/crds

bench: build
	@bench/run.sh $(KAOS)

clean:
	rm -rf $(BUILD_DIR)
