# The seed's integration test 1 with the real binaries: mockex -> gateway -> nats-server ->
# normalizer -> influxd on loopback. The short 2023 run is a contract test; the 2024 runs and
# the kill -9 / restart variants take minutes and run under `live`.
add_library(t26_e2e_world STATIC e2e/e2e_world.cpp config/service_process.cpp)
target_link_libraries(t26_e2e_world PUBLIC t26_normalizer t26_net t26_sim t26_test_support)
target_compile_definitions(t26_e2e_world PRIVATE T26_NORMALIZER_BIN="$<TARGET_FILE:normalizer>"
                           T26_GATEWAY_BIN="$<TARGET_FILE:gateway>"
                           T26_MOCKEX_BIN="$<TARGET_FILE:mockex>")
add_dependencies(t26_e2e_world normalizer gateway mockex)

t26_test(e2e_contract_test LABELS contract SOURCES e2e/e2e_contract_test.cpp LIBS t26_e2e_world)
t26_test(e2e_live_test LABELS live SOURCES e2e/e2e_live_test.cpp LIBS t26_e2e_world)
