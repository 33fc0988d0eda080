t26_test(mockex_client_ip_test LABELS unit
         SOURCES mockex/client_ip_test.cpp
         LIBS t26_sim)
