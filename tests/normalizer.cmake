t26_test(normalizer_test LABELS unit
         SOURCES normalizer/bar_builder_test.cpp normalizer/bar_rows_test.cpp
                 normalizer/normalizer_service_test.cpp
         LIBS t26_normalizer t26_sim)

# The normalizer binary against nats-server and influxd on free ports.
t26_test(normalizer_live_test LABELS contract
         SOURCES normalizer/normalizer_live_test.cpp
         LIBS t26_normalizer t26_net t26_sim)
add_dependencies(normalizer_live_test normalizer)
target_compile_definitions(normalizer_live_test PRIVATE T26_NORMALIZER_BIN="$<TARGET_FILE:normalizer>")
