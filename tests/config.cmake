# Config, secrets, logging and the command line; the binaries test runs build/bin/* itself.
t26_test(config_test LABELS unit
         SOURCES config/config_test.cpp config/secrets_test.cpp config/cli_test.cpp
         LIBS t26_core)

t26_test(service_binaries_test LABELS unit
         SOURCES config/service_binaries_test.cpp config/service_process.cpp
         LIBS t26_core nlohmann_json::nlohmann_json)
add_dependencies(service_binaries_test gateway live_gateway normalizer)
target_compile_definitions(service_binaries_test PRIVATE
                           T26_GATEWAY_BIN="$<TARGET_FILE:gateway>"
                           T26_LIVE_GATEWAY_BIN="$<TARGET_FILE:live_gateway>"
                           T26_NORMALIZER_BIN="$<TARGET_FILE:normalizer>")
