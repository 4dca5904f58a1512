# Entry points. `make run` and `make test` work on a fresh Debian 12 machine: each installs
# what it needs first (scripts/install-deps.sh is idempotent).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
KAOS := $(BUILD_DIR)/bin/kaos

.PHONY: all deps configure build run test check tidy bench clean crds fuzz test-asan configure-asan image image-test

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

# Sanitizer and fuzzing builds share one clang build dir (ASan + UBSan + libFuzzer coverage),
# so the tree is compiled once for both; the normal build above is untouched (fuzz/README.md).
ASAN_BUILD_DIR ?= build-asan
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1

configure-asan: deps
	@if [ ! -f $(ASAN_BUILD_DIR)/build.ninja ]; then \
	  CC=clang CXX=clang++ cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DKAOS_SANITIZE=address,undefined -DKAOS_FUZZ=ON -DKAOS_BUILD_BENCH=OFF; fi

# libFuzzer targets (fuzz/): builds them and runs each for FUZZ_SECONDS (default 60) from its
# committed seed corpus; fails on any crash, leak, hang or sanitizer report.
# `make fuzz FUZZ_SECONDS=600 FUZZ_JOBS=2` for the long run; FUZZ_TARGETS="json sse" for some.
fuzz: configure-asan
	@cmake --build $(ASAN_BUILD_DIR) --target fuzz_targets
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) fuzz/run.sh $(ASAN_BUILD_DIR) $(FUZZ_TARGETS)

# The whole CTest suite under ASan + UBSan (any finding fails the test; LSan leak suppressions
# in fuzz/lsan.supp). The Node conformance suites are not run here.
test-asan: configure-asan
	@cmake --build $(ASAN_BUILD_DIR)
	@cd $(ASAN_BUILD_DIR) && KAOS_SANITIZED=1 ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure --timeout 900

# The one KAOS image, daemonless (buildah, chroot isolation): an OCI archive in
# $(BUILD_DIR)/image/ and the image localhost/kaos:dev in buildah's store (deploy/README.md).
image: build
	@scripts/build-image.sh $(BUILD_DIR)

# Builds the image, then runs its entrypoint with `buildah run`: `kaos version`, and a
# python-string MCP server inside it called from the host.
image-test: image
	@scripts/test-image.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
