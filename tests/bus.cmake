t26_test(bus_contract_test LABELS contract
         SOURCES contract/bus_contract_test.cpp
         LIBS t26_net t26_sim)
