t26_test(decimal_test LABELS unit SOURCES core/decimal_test.cpp LIBS t26_core)
# RFC 6455 framing shared by the net and sim WebSocket adapters.
t26_test(ws_wire_test LABELS unit SOURCES core/ws_wire_test.cpp LIBS t26_core)
t26_test(decimal_property_test LABELS property SOURCES core/decimal_property_test.cpp LIBS t26_core)
t26_test(bus_json_test LABELS unit SOURCES core/bus_json_test.cpp LIBS t26_core)
t26_test(metrics_test LABELS unit SOURCES core/metrics_test.cpp LIBS t26_core)
t26_test(trace_test LABELS unit SOURCES core/trace_test.cpp LIBS t26_core)
t26_test(types_test LABELS unit SOURCES core/types_test.cpp LIBS t26_core)
t26_test(sharding_test LABELS unit SOURCES core/sharding_test.cpp LIBS t26_core)
