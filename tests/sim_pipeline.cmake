# The pipeline workload's reference bars (hand-made frames, and the recording against the
# bars derived from Binance's trade dump) and its parameter errors. Runs from the source dir.
t26_test(pipeline_bars_test LABELS unit
         SOURCES sim/pipeline_bars_test.cpp
         LIBS t26_sim)

# Integration Test 1 live: mockex -> gateway binary -> nats-server (killed and restarted
# mid-stream) -> normalizer binary -> influxd, bars equal the reference (about 15 s).
add_test(NAME "scenario live: pipeline_nats_restart"
         COMMAND sim run --live scenarios/pipeline_nats_restart.yaml --speed 4
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties("scenario live: pipeline_nats_restart" PROPERTIES LABELS scenario TIMEOUT 300)
