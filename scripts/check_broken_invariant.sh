#!/usr/bin/env bash
# `make check-broken-invariant`: proves the property test can find a real bug. Builds, in its
# own build dir, the gateway with a deliberate bug compiled into its own code
# (-DT26_BREAK_DROP_TICK_ON_RECONNECT=ON: MarketFeed drops the first tick after every websocket
# reconnect), then checks that
#   1. gateway_faults_property_test fails (the bug is caught),
#   2. the shrunk counterexample it writes (out/sim/gateway_faults_property_<hash>.yaml, the last one
#      its log names) has at most 20 timeline events,
#   3. `sim run` on that file fails with a failed-expectation exit code (2 safety, 3 liveness)
#      and the same failure line the property test saw (written as the file's second line).
# Prints PASS or FAIL (exit 0 or 1). RC_PARAMS from the environment overrides the rapidcheck
# seed and run count (default: seed=1 max_success=30, so the check itself is reproducible).
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-broken}
jobs=${JOBS:-2}
log=$build/check_broken_invariant.log
fail() { echo "check-broken-invariant: FAIL: $*"; exit 1; }

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DT26_BREAK_DROP_TICK_ON_RECONNECT=ON \
  "${launcher[@]}" > /dev/null || fail "cmake configure"
cmake --build "$build" -j "$jobs" --target sim gateway_faults_property_test || fail "build"

echo "check-broken-invariant: running the property test against the broken gateway (log: $log)"
RC_PARAMS=${RC_PARAMS:-"seed=1 max_success=30"} "$build/bin/gateway_faults_property_test" > "$log" 2>&1
[ $? -ne 0 ] || fail "the property test passed: the bug was not caught"
file=$(grep -o 'scenario written to [^ ]*\.yaml' "$log" | tail -1 | awk '{print $4}')
[ -n "$file" ] && [ -f "$file" ] || fail "the property test failed but wrote no scenario file"
events=$(grep -c '^  - {at: ' "$file")
echo "check-broken-invariant: shrunk counterexample $file has $events timeline event(s)"
[ "$events" -le 20 ] || fail "$file has $events timeline events (at most 20 allowed)"

"$build/bin/sim" run "$file" > "$build/check_broken_invariant_sim.log" 2>&1
rc=$?
[ $rc -eq 2 ] || [ $rc -eq 3 ] || fail "sim run $file exited $rc, want 2 (safety) or 3 (liveness)"
failure=$(grep -m1 '^SIM FAILED ' "$build/check_broken_invariant_sim.log" | sed 's/^SIM FAILED //')
expected=$(sed -n '2s/^# //p' "$file")  # the failure the property test saw, written in the file
[ "$failure" = "$expected" ] || fail "sim run failed with '$failure', the property test with '$expected'"
echo "check-broken-invariant: sim run $file exits $rc: $failure"
echo "check-broken-invariant: PASS"
