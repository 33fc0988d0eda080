#!/usr/bin/env bash
# make demo: nats-server (JetStream), redis-server, mockex replaying a recorded Binance session,
# and the gateway (config/local/gateway.yaml) pointed at all three, every one on a free
# loopback port, with its state and logs in a temp dir. Prints how to watch the ticks and call
# the API, then waits; Ctrl-C (or any exit) stops everything it started.
# Run from the repo root after `make` (the Makefile's demo target does both).
set -euo pipefail

BIN=${BIN:-build/bin}
READY_TIMEOUT_SEC=${READY_TIMEOUT_SEC:-20}
RECORDINGS=(
  fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst
  fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst
)
SYMBOLS="[BTCUSDT,ETHUSDT]" # what the recordings hold

for tool in nats-server redis-server redis-cli curl "$BIN/mockex" "$BIN/gateway" "$BIN/tap"; do
  command -v "$tool" >/dev/null || { echo "demo: $tool not found (run make deps, then make)" >&2; exit 1; }
done
for f in "${RECORDINGS[@]}"; do
  [[ -r $f ]] || { echo "demo: recording $f not found (run from the repo root)" >&2; exit 1; }
done

DIR=$(mktemp -d "${TMPDIR:-/tmp}/t26-demo.XXXXXX")
PIDS=()

# Stops in reverse order (the gateway first). The logs are kept when something failed.
stop_all() {
  local rc=$? i
  trap - INT TERM EXIT
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null || true; done
  for i in "${PIDS[@]}"; do wait "$i" 2>/dev/null || true; done
  if ((rc == 0 || rc == 130)); then
    rm -rf "$DIR"
    echo "demo: stopped"
  else
    echo "demo: stopped; logs kept in $DIR" >&2
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# A loopback TCP port nothing listens on (ports handed out here are remembered, so two picks
# never collide; another program could still take one in between, as with any free-port pick).
TAKEN=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ $TAKEN == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
    TAKEN+="$p "
    echo "$p"
    return
  done
}

# wait_for NAME PID COMMAND...: polls COMMAND until it succeeds, the process dies, or the deadline.
wait_for() {
  local name=$1 pid=$2
  shift 2
  local deadline=$((SECONDS + READY_TIMEOUT_SEC))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo: $name exited; its log ($DIR/$name.log):" >&2
      tail -n 20 "$DIR/$name.log" >&2
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "demo: $name not ready after ${READY_TIMEOUT_SEC}s; its log ($DIR/$name.log):" >&2
      tail -n 20 "$DIR/$name.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "demo: $name ready"
}

start() { # start NAME COMMAND...: runs COMMAND in the background, output to $DIR/NAME.log
  local name=$1
  shift
  "$@" >"$DIR/$name.log" 2>&1 &
  PIDS+=($!)
}

NATS_PORT=$(free_port)
NATS_MONITOR_PORT=$(free_port)
REDIS_PORT=$(free_port)
MOCKEX_PORT=$(free_port)
API_PORT=$(free_port)
METRICS_PORT=$(free_port)

start nats nats-server -js -sd "$DIR/jetstream" -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT"
wait_for nats "${PIDS[-1]}" curl -sf "http://127.0.0.1:$NATS_MONITOR_PORT/healthz"

start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR"
wait_for redis "${PIDS[-1]}" redis-cli -p "$REDIS_PORT" ping

start mockex "$BIN/mockex" --port "$MOCKEX_PORT" --speed 1 --loop --recording "${RECORDINGS[@]}"
wait_for mockex "${PIDS[-1]}" curl -sf "http://127.0.0.1:$MOCKEX_PORT/api/v3/ping"

start gateway "$BIN/gateway" --config config/local/gateway.yaml \
  --set "service.port=$API_PORT" \
  --set "monitoring.metrics_port=$METRICS_PORT" \
  --set "nats.url=nats://127.0.0.1:$NATS_PORT" \
  --set "valkey.url=redis://127.0.0.1:$REDIS_PORT" \
  --set "exchanges.binance.rest_url=http://127.0.0.1:$MOCKEX_PORT" \
  --set "exchanges.binance.ws_url=ws://127.0.0.1:$MOCKEX_PORT" \
  --set "exchanges.binance.symbols=$SYMBOLS"
wait_for gateway "${PIDS[-1]}" curl -sf "http://127.0.0.1:$API_PORT/health"

cat <<MSG

Trade2026 demo is up (logs in $DIR):
  nats-server   nats://127.0.0.1:$NATS_PORT (JetStream; monitor http://127.0.0.1:$NATS_MONITOR_PORT)
  redis-server  redis://127.0.0.1:$REDIS_PORT
  mockex        http://127.0.0.1:$MOCKEX_PORT/api/v3 (replaying ${RECORDINGS[*]##*/})
  gateway       http://127.0.0.1:$API_PORT, metrics http://127.0.0.1:$METRICS_PORT/metrics

Watch the ticks:
  $BIN/tap --url nats://127.0.0.1:$NATS_PORT 'ticks.>'
Call the API:
  curl http://127.0.0.1:$API_PORT/ticker/BTCUSDT
  curl http://127.0.0.1:$API_PORT/ticker/binance/ETHUSDT
  curl http://127.0.0.1:$API_PORT/health
  curl http://127.0.0.1:$API_PORT/ready
  curl http://127.0.0.1:$METRICS_PORT/metrics
Follow the gateway's log:
  tail -f $DIR/gateway.log

Ctrl-C stops everything.
MSG

# Until Ctrl-C, or until one of the processes exits on its own.
while :; do
  for i in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      echo "demo: a process exited (pid ${PIDS[i]}); logs in $DIR" >&2
      exit 1
    fi
  done
  sleep 1
done
