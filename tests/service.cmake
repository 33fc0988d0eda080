# Request signing, the live gateway's key check, service ports, and the secret canary run
# through every binary (start-up, debug log, signed request, /health, /metrics, trace).
t26_test(service_unit_test LABELS unit
         SOURCES core/sign_test.cpp service/port_config_test.cpp service/key_check_test.cpp
         LIBS t26_live_gateway t26_sim)

# Debian builds cpp-httplib as a shared library: its pkg-config flags keep our ABI in line.
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
t26_test(secret_canary_test LABELS contract
         SOURCES config/secret_canary_test.cpp config/service_process.cpp
         LIBS t26_core PkgConfig::CPPHTTPLIB Threads::Threads)
add_dependencies(secret_canary_test gateway live_gateway normalizer)
target_compile_definitions(secret_canary_test PRIVATE
                           T26_GATEWAY_BIN="$<TARGET_FILE:gateway>"
                           T26_LIVE_GATEWAY_BIN="$<TARGET_FILE:live_gateway>"
                           T26_NORMALIZER_BIN="$<TARGET_FILE:normalizer>")

t26_test(service_shell_test LABELS contract
         SOURCES service/service_shell_test.cpp
         LIBS t26_net)
