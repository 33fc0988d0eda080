#!/usr/bin/env bash
# Installs every build and runtime dependency from Debian packages, then the pinned npm
# packages. Idempotent: when everything is present it only checks and returns.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang-format git curl ca-certificates
  libboost-dev libboost-system-dev libssl-dev libzstd-dev
  libnats-dev nats-server redis-server influxdb
  nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libhiredis-dev liblua5.1-0-dev libcpp-httplib-dev
  catch2 librapidcheck-dev libbenchmark-dev
  libjemalloc2
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # --no-install-recommends keeps the packaged servers from pulling in init-system hooks we
  # do not use: tests start nats-server, redis-server and influxd themselves on free ports.
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: all ${#PACKAGES[@]} Debian packages present"
fi

if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    echo "deps: node_modules up to date"
  fi
fi
