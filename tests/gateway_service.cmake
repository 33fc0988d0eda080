# GatewayService in virtual time (scripted exchange): exchangeInfo limits, shard slices.
t26_test(gateway_service_test LABELS unit
         SOURCES gateway/gateway_service_test.cpp
         LIBS t26_gateway t26_sim)
