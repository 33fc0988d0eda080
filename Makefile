# Trade2026 gateways. `make deps` once on a fresh Debian 12 machine, then `make` / `make test`.
JOBS ?= 2
CMAKE ?= cmake
BUILD ?= build
BUILD_ASAN ?= build-asan

.PHONY: all deps demo test test-unit test-contract test-property test-scenario test-scenarios test-scenarios-full check-broken-invariant bench bench-e2e lint-determinism format clean fixtures

all:
	$(CMAKE) -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DT26_TESTS=OFF
	$(CMAKE) --build $(BUILD) -j $(JOBS)

deps:
	scripts/deps.sh

# nats-server, redis-server, mockex replaying a recording and the gateway, on free loopback
# ports; prints how to watch the ticks and call the API. Ctrl-C stops everything.
demo: all
	BIN=$(BUILD)/bin scripts/demo.sh

# ASan+UBSan build, every unit, contract and property test (tiers by ctest label).
test:
	$(CMAKE) -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DT26_SANITIZE=ON
	$(CMAKE) --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS) -LE 'live|bench'

test-unit test-contract test-property test-scenario: test-%:
	$(CMAKE) -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DT26_SANITIZE=ON
	$(CMAKE) --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS) -L '$*'

# Regenerates fixtures/ from the raw captures (fixtures/SOURCES.md); byte-identical with libzstd 1.5.4.
SHARED_FIXTURES ?= ../shared/fixtures
fixtures:
	$(CMAKE) -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DT26_TESTS=OFF
	$(CMAKE) --build $(BUILD) -j $(JOBS) --target fixtures_convert
	$(BUILD)/bin/fixtures_convert $(SHARED_FIXTURES) fixtures

# Every scenarios/*.yaml through build/bin/sim, each seed twice (trace hashes compared), and a
# small set with `sim run --live` against the real binaries on loopback (tests/sim_live.cmake,
# about a minute). The 24-hour replay runs in a short form here (ASan); `make test-scenarios-full`
# runs every scenario, the 24-hour replay in full, from a Release build (tests/sim_long.cmake).
test-scenarios: test-scenario

BUILD_REL ?= build-rel
test-scenarios-full:
	$(CMAKE) -S . -B $(BUILD_REL) -G Ninja -DCMAKE_BUILD_TYPE=Release
	$(CMAKE) --build $(BUILD_REL) -j $(JOBS) --target sim
	cd $(BUILD_REL) && ctest --output-on-failure -L scenario

# The property test must catch a bug compiled into the gateway on purpose, shrink it to a
# scenario of <= 20 timeline events, and `sim run` must fail on that file the same way
# (scripts/check_broken_invariant.sh; own Release build dir, prints PASS/FAIL).
BUILD_BROKEN ?= build-broken
check-broken-invariant:
	JOBS=$(JOBS) scripts/check_broken_invariant.sh $(BUILD_BROKEN)

# Release build with the benchmarks (bench/), then every bench/*_bench binary from the repo root
# (gateway_e2e_bench starts nats-server, mockex and the gateway itself; about a minute).
# `make bench-e2e` runs only that one.
BUILD_BENCH ?= build-bench
bench:
	$(CMAKE) -S . -B $(BUILD_BENCH) -G Ninja -DCMAKE_BUILD_TYPE=Release -DT26_TESTS=OFF -DT26_BENCH=ON
	$(CMAKE) --build $(BUILD_BENCH) -j $(JOBS)
	for b in $(BUILD_BENCH)/bin/*_bench; do $$b || exit 1; done

bench-e2e:
	$(CMAKE) -S . -B $(BUILD_BENCH) -G Ninja -DCMAKE_BUILD_TYPE=Release -DT26_TESTS=OFF -DT26_BENCH=ON
	$(CMAKE) --build $(BUILD_BENCH) -j $(JOBS) --target gateway_e2e_bench
	$(BUILD_BENCH)/bin/gateway_e2e_bench

lint-determinism:
	ci/lint_determinism.sh

format:
	find core net sim gateway live_gateway normalizer tests bench -name '*.h' -o -name '*.cpp' \
	  | xargs -r clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
