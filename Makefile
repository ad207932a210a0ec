# Front door. `make run` and `make test` work as root on a fresh Debian 12 machine: they install
# what is missing (idempotently), build, and run.
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DEMO ?= fixtures/demo/prevent.ks

PACKAGES := build-essential cmake pkg-config libssl-dev libcurl4-openssl-dev libbotan-2-dev libcli11-dev doctest-dev \
            nlohmann-json3-dev openjdk-17-jdk-headless openssl libbenchmark-dev clang-14 \
            libclang-rt-14-dev time hyperfine jq graphviz


.PHONY: deps build run test bench bench-verify fuzz clean format

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSDOCTOR_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the bundled demo: a prevent.ks whose key entry lacks its intermediate.
# Exit status 1 (problems found) is the expected outcome for a store with errors.
run: build
	@fixtures/demo/run-demo.sh ./$(BUILD)/ksdoctor

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKSDOCTOR_WERROR=ON -DKSDOCTOR_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -LE slow

bench: build
	bench/compare_keytool.sh

# ksdoctor verify over 1 250 / 2 500 / 5 000 key entries and a 10 000-certificate --trust folder.
bench-verify: build
	BUILD=$(BUILD) bench/verify_bench.sh

fuzz: deps
	CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSDOCTOR_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
