# Front door. `make run` and `make test` work as root on a fresh Debian 12 machine: they install
# what is missing (idempotently), build, and run.
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DEMO ?= fixtures/demo/prevent.ks

PACKAGES := build-essential cmake pkg-config libssl-dev libcurl4-openssl-dev libbotan-2-dev libcli11-dev doctest-dev \
            nlohmann-json3-dev zlib1g-dev openjdk-17-jdk-headless openssl libbenchmark-dev clang-14 \
            libclang-rt-14-dev time hyperfine jq graphviz \
            g++-mingw-w64-x86-64-posix wine64 zip file dpkg-dev lintian
# probe's tests: a real MTA (a private instance; the package's own is never configured or started),
# a second opinion on the enumeration, the scripted SMTP peers.
PACKAGES += postfix sslscan python3
# The BKS/UBER oracle: BouncyCastle itself (/usr/share/java/bcprov.jar).
PACKAGES += libbcprov-java


.PHONY: deps build run test install deb bench bench-scale bench-verify bench-logs fuzz clean format
.PHONY: portable-deps-mingw64 portable-deps-linux-static static windows test-static test-windows \
        dist dist-linux dist-windows

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	  echo "postfix postfix/main_mailer_type select No configuration" | $$SUDO debconf-set-selections; \
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

# Installs the binary, the library, its headers and CMake package, the man page and the bash
# completion under $(PREFIX) (staged under $(DESTDIR) when set). The README's Install section.
PREFIX ?= /usr/local
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)

# The Debian package of the same files under /usr: $(BUILD)/ksdoctor_<version>_<arch>.deb.
deb: build
	cd $(BUILD) && cpack -G DEB

bench: build
	bench/compare_keytool.sh

# inspect of 5 000 vs 50 000 entries: time and peak memory (after `make bench` made the 5 000 store).
bench-scale: build
	bench/scale.sh

# ksdoctor verify over 1 250 / 2 500 / 5 000 key entries and a 10 000-certificate --trust folder.
bench-verify: build
	BUILD=$(BUILD) bench/verify_bench.sh

# ksdoctor logs over a generated 1 GB operational log: MB/s, ratio to grep -c, peak RSS.
bench-logs: build
	BUILD=$(BUILD) bench/logs_bench.sh

fuzz: deps
	CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSDOCTOR_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz

# Portable binaries: a fully static Linux ksdoctor and ksdoctor.exe (MinGW-w64), both with OpenSSL
# (and zlib) built from Debian's source packages into $(DEPS_DIR)/<target>/prefix. Compared with the
# dynamic build ($(BUILD)/ksdoctor) fixture by fixture.
VERSION := $(shell sed -n 's/^project.ksdoctor VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
DEPS_DIR ?= build-deps
STATIC_BUILD ?= build-static
WIN_BUILD ?= build-win
DIST ?= dist
# Compiling OpenSSL is the long part: 2 jobs unless told otherwise.
DEPS_JOBS ?= 2
PORTABLE_TARGETS := ksdoctor-cli portable_legacy_provider
# The Windows build also runs the doctest unit suite under Wine, and a DACL helper for the path test.
WINDOWS_TARGETS := $(PORTABLE_TARGETS) unit_tests portable_sddl
# The build type the dynamic reference uses (-O2; GCC 12 at -O3 raises -Wrestrict false positives in
# lib/); make-dist.sh strips the debug information from the shipped copy.
# Not a unity build: CI compiles every file on its own somewhere (a missing #include cannot hide
# behind a neighbour in its batch).
PORTABLE_CMAKE = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON -DCMAKE_UNITY_BUILD=OFF \
                 -DKSDOCTOR_OPENSSL_ROOT=$(abspath $(DEPS_DIR))/$(1)/prefix \
                 -DKSDOCTOR_ZLIB_ROOT=$(abspath $(DEPS_DIR))/$(1)/prefix \
                 -DKSDOCTOR_CURL_ROOT=$(abspath $(DEPS_DIR))/$(1)/prefix \
                 -DKSDOCTOR_REFERENCE_CLI=$(abspath $(BUILD))/ksdoctor

# A static pattern rule: make skips implicit-rule search for .PHONY targets, so a plain
# `portable-deps-%` rule would silently do nothing on a fresh clone.
portable-deps-mingw64 portable-deps-linux-static: portable-deps-%: deps
	JOBS=$(DEPS_JOBS) scripts/build-openssl.sh $* $(DEPS_DIR)/$*/prefix
	JOBS=$(DEPS_JOBS) scripts/build-zlib.sh $* $(DEPS_DIR)/$*/prefix
	JOBS=$(DEPS_JOBS) scripts/build-curl.sh $* $(DEPS_DIR)/$*/prefix

static: portable-deps-linux-static
	cmake -S . -B $(STATIC_BUILD) $(call PORTABLE_CMAKE,linux-static) -DKSDOCTOR_STATIC=ON \
	  -DKSDOCTOR_WERROR=ON >/dev/null
	cmake --build $(STATIC_BUILD) -j $(JOBS) --target $(PORTABLE_TARGETS) portable_resolve_name

windows: portable-deps-mingw64
	cmake -S . -B $(WIN_BUILD) $(call PORTABLE_CMAKE,mingw64) \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake >/dev/null
	cmake --build $(WIN_BUILD) -j $(JOBS) --target $(WINDOWS_TARGETS)

test-static: build static
	cd $(STATIC_BUILD) && ctest --output-on-failure -R '^portable_'

test-windows: build windows
	cd $(WIN_BUILD) && ctest --output-on-failure -R '^portable_'

dist-linux: static
	scripts/make-dist.sh linux $(STATIC_BUILD)/ksdoctor $(DEPS_DIR)/linux-static/prefix $(DIST) $(VERSION)

dist-windows: windows
	scripts/make-dist.sh windows $(WIN_BUILD)/ksdoctor.exe $(DEPS_DIR)/mingw64/prefix $(DIST) $(VERSION)

dist: dist-linux dist-windows
