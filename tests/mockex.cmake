t26_test(exchange_filters_test LABELS unit
         SOURCES core/exchange_filters_test.cpp core/exchange_info_test.cpp LIBS t26_core)
