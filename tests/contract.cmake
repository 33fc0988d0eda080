t26_test(clock_contract_test LABELS contract
         SOURCES contract/clock_contract_test.cpp
         LIBS t26_net t26_sim)
