#!/usr/bin/env bash
# DESIGN.md section 1: service logic gets time from Clock, randomness from Rng and
# configuration from Config. Fails on any wall-clock read, sleep, thread, OS randomness or
# environment read in core/, gateway/, live_gateway/ and normalizer/ outside main.cpp.
set -uo pipefail
cd "$(dirname "$0")/.."
dirs=$(ls -d core gateway live_gateway normalizer 2>/dev/null)
pattern='(system_clock|steady_clock|high_resolution_clock)::now|std::this_thread::sleep|\bsleep\(|usleep\(|std::random_device|\brand\(\)|\bgetenv\(|std::thread\b|std::jthread\b'
hits=$(grep -rnE "$pattern" $dirs --include='*.cpp' --include='*.h' --include='*.hpp' \
       | grep -v '/main\.cpp:' || true)
if [ -n "$hits" ]; then
  echo "determinism lint: these belong behind the Clock/Rng/Config ports (DESIGN.md section 1):"
  echo "$hits"
  exit 1
fi
echo "determinism lint: clean ($(echo $dirs | wc -w) folders)"
