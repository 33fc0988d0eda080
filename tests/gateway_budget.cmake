t26_test(gateway_budget_test LABELS unit
         SOURCES gateway/rate_budget_test.cpp gateway/rest_fetcher_test.cpp
         LIBS t26_gateway t26_sim)
