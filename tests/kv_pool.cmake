t26_test(hiredis_pool_test LABELS contract
         SOURCES net/hiredis_pool_test.cpp
         LIBS t26_net t26_sim)
