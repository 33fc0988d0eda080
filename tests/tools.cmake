# Developer tools run as processes: tap against a real nats-server.
t26_test(tools_test LABELS contract
         SOURCES tools/tap_test.cpp config/service_process.cpp
         LIBS t26_net t26_core)
add_dependencies(tools_test tap)
target_compile_definitions(tools_test PRIVATE T26_TAP_BIN="$<TARGET_FILE:tap>")
