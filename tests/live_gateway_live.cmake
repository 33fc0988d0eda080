# The live_gateway binary end to end on loopback: nats-server, redis-server, and (live label)
# mockex. The contract test is the quick paper path `make test` runs; the live ones need mockex
# (tens of seconds to start under ASan) and place, fill, cancel and recover live orders on it.
pkg_check_modules(LG_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(t26_live_gateway_procs STATIC live_gateway/live_gateway_procs.cpp)
target_link_libraries(t26_live_gateway_procs PUBLIC t26_net t26_core t26_test_support
                                                    PkgConfig::LG_HTTPLIB)
target_compile_definitions(t26_live_gateway_procs PRIVATE
                           T26_LIVE_GATEWAY_BIN="$<TARGET_FILE:live_gateway>"
                           T26_MOCKEX_BIN="$<TARGET_FILE:mockex>")

t26_test(live_gateway_contract_test LABELS contract
         SOURCES live_gateway/live_gateway_contract_test.cpp LIBS t26_live_gateway_procs)
add_dependencies(live_gateway_contract_test live_gateway)

t26_test(live_gateway_live_test LABELS live
         SOURCES live_gateway/live_gateway_live_test.cpp LIBS t26_live_gateway_procs)
add_dependencies(live_gateway_live_test live_gateway mockex)
