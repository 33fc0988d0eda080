t26_test(exchange_filters_test LABELS unit
         SOURCES core/exchange_filters_test.cpp core/exchange_info_test.cpp LIBS t26_core)
t26_test(mockex_test LABELS unit
         SOURCES mockex/order_book_test.cpp mockex/exchange_model_test.cpp
                 mockex/responses_test.cpp mockex/rate_limits_test.cpp
         LIBS t26_sim)
t26_test(mockex_property_test LABELS property SOURCES mockex/exchange_model_property_test.cpp
         LIBS t26_sim)
