# The gateway binary end to end on loopback: real nats-server (JetStream), redis-server, the
# mockex binary and build/bin/gateway. One short case for `make test` (label contract), the
# rest under `live`.
pkg_check_modules(GWLIVE_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(t26_gwlive_support STATIC gateway/live_stack.cpp)
target_link_libraries(t26_gwlive_support PUBLIC t26_gateway t26_sim t26_net
                                                PkgConfig::GWLIVE_HTTPLIB t26_test_support)
target_compile_definitions(t26_gwlive_support PUBLIC T26_GATEWAY_BIN="$<TARGET_FILE:gateway>"
                                                     T26_MOCKEX_BIN="$<TARGET_FILE:mockex>")
add_dependencies(t26_gwlive_support gateway mockex)

t26_test(gateway_e2e_contract_test LABELS contract
         SOURCES gateway/gateway_e2e_contract_test.cpp
         LIBS t26_gwlive_support)
t26_test(gateway_live_test LABELS live
         SOURCES gateway/gateway_live_test.cpp
         LIBS t26_gwlive_support)
t26_test(gateway_shards_contract_test LABELS contract
         SOURCES gateway/gateway_shards_contract_test.cpp
         LIBS t26_gwlive_support)
