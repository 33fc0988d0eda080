t26_test(kv_contract_test LABELS contract
         SOURCES contract/kv_contract_test.cpp
         LIBS t26_net t26_sim)
