# gateway HttpApi: unit tests in virtual time (sim::SimKv), and a live one against a real
# redis-server (label live, tag [net]).
t26_test(gateway_api_test LABELS unit
         SOURCES gateway/http_api_test.cpp
         LIBS t26_gateway t26_sim)
t26_test(gateway_api_live_test LABELS live
         SOURCES gateway/http_api_live_test.cpp
         LIBS t26_gateway t26_net)
