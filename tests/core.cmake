t26_test(decimal_test LABELS unit SOURCES core/decimal_test.cpp LIBS t26_core)
t26_test(decimal_property_test LABELS property SOURCES core/decimal_property_test.cpp LIBS t26_core)
t26_test(bus_json_test LABELS unit SOURCES core/bus_json_test.cpp LIBS t26_core)
