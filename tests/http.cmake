t26_test(http_contract_test LABELS contract
         SOURCES contract/http_contract_test.cpp
         LIBS t26_net Boost::system)
