# MockExchange server: in-process over SimHttpServer (fast, deterministic), and the real
# `mockex` binary on a free port driven by cpp-httplib and by the real CCXT client (npm ci
# via `make deps` installs it into node_modules).
t26_test(mockex_server_test LABELS unit
         SOURCES mockex/server_test.cpp mockex/stream_test.cpp mockex/venue_test.cpp
                 mockex/ws_ping_test.cpp
         LIBS t26_sim)

# Debian builds cpp-httplib as a shared library (its pkg-config flags keep the ABI in line).
pkg_check_modules(MOCKEX_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
t26_test(mockex_live_test LABELS contract
         SOURCES mockex/mockex_live_test.cpp
         LIBS t26_sim t26_core PkgConfig::MOCKEX_HTTPLIB)
add_dependencies(mockex_live_test mockex)
target_compile_definitions(mockex_live_test PRIVATE T26_MOCKEX_BIN="$<TARGET_FILE:mockex>")

# `mockex --tls` with a certificate made by the openssl CLI: our Beast clients and CCXT.
t26_test(mockex_tls_test LABELS contract
         SOURCES mockex/mockex_tls_test.cpp
         LIBS t26_net t26_core)
add_dependencies(mockex_tls_test mockex)
target_compile_definitions(mockex_tls_test PRIVATE T26_MOCKEX_BIN="$<TARGET_FILE:mockex>")
