# A small set of scenario files through `sim run --live` (sim/live/live_runner.h): the real
# gateway / normalizer / mockex binaries with nats-server, redis-server and influxd on
# loopback, in real time, the replay and timeline compressed by --speed to keep the set near a
# minute. Label `scenario`: part of `make test` and `make test-scenarios`.
function(t26_live_scenario name)
  add_test(NAME "scenario live: ${name}"
           COMMAND sim run --live scenarios/${name}.yaml ${ARGN}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties("scenario live: ${name}" PROPERTIES LABELS scenario TIMEOUT 300)
endfunction()

# Every tick of two recorded minutes on TICKS, in order, once; no 429/418 from mockex.
t26_live_scenario(gateway_clean --speed 10)
# nats-server killed mid-stream and restarted on its port and store dir after 7.5 s.
t26_live_scenario(gateway_nats_restart --speed 4)
# Three websocket drops by mockex (/admin/faults), in the first 30 s of the slice.
t26_live_scenario(gateway_ws_drop --speed 2 --set workload.duration=30s --set run_for=32s)
# Recorded trades through the normalizer binary into influxd: bars equal the reference.
t26_live_scenario(normalizer_clean --speed 3)

# The runner catches a real loss: an outbox of 100 ticks cannot ride out the NATS outage, so
# ticks are lost and the run must fail safety (exit 2) naming the first lost tick.
add_test(NAME "scenario live: gateway_nats_restart with a 100-tick outbox fails safety"
         COMMAND sh -c "out=$(\"$0\" run --live scenarios/gateway_nats_restart.yaml --speed 4 \
--set workload.buffer_size=100 2>&1); code=$?; echo \"$out\" | head -12; echo \"exit $code\"; \
test $code -eq 2 && echo \"$out\" | grep -q 'SIM FAILED safety: [0-9]* ticks lost, first binance:BTCUSDT:'"
                 $<TARGET_FILE:sim>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties("scenario live: gateway_nats_restart with a 100-tick outbox fails safety"
                     PROPERTIES LABELS scenario TIMEOUT 300)
# A workload without a live mode is a usage error naming the kind.
add_test(NAME "scenario live: a bus_stream scenario is refused with exit 1"
         COMMAND sh -c "\"$0\" run --live scenarios/bus_restart_and_partition.yaml >/dev/null; \
echo \"exit code $?\""
                 $<TARGET_FILE:sim>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties("scenario live: a bus_stream scenario is refused with exit 1" PROPERTIES
                     LABELS scenario PASS_REGULAR_EXPRESSION
                     "workload.kind 'bus_stream' has no live mode \\(live: gateway_replay, normalizer_replay, pipeline\\)\nexit code 1")

# LiveWorld itself: quick [net] cases (nats-server restart on its port, a process that cannot
# start), label contract like the other real-server suites in `make test`.
t26_test(live_world_test LABELS contract
         SOURCES sim/live_world_test.cpp
         LIBS t26_sim_live)
add_dependencies(live_world_test mockex)
target_compile_definitions(live_world_test PRIVATE T26_BIN_DIR="$<TARGET_FILE_DIR:mockex>")
