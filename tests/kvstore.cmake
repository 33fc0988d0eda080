t26_test(kv_contract_test LABELS contract
         SOURCES contract/kv_contract_test.cpp
         LIBS t26_net t26_sim)
t26_test(store_contract_test LABELS contract
         SOURCES contract/store_contract_test.cpp
         LIBS t26_net t26_sim)
t26_test(ilp_store_unit_test LABELS unit
         SOURCES core/ilp_test.cpp core/store_query_test.cpp net/store_answer_test.cpp
         LIBS t26_net)
