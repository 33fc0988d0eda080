# HTTP/WebSocket ports: the contract suite (net world now, sim world with SimNetwork) and the
# net-only TLS client test against `openssl s_server`.
t26_test(http_contract_test LABELS contract
         SOURCES contract/http_contract_test.cpp
         LIBS t26_net Boost::system)
t26_test(https_client_test LABELS contract
         SOURCES contract/https_client_test.cpp
         LIBS t26_net Boost::system)
t26_test(http_types_test LABELS unit
         SOURCES core/http_types_test.cpp
         LIBS t26_core)
t26_test(ws_client_test LABELS contract
         SOURCES net/ws_client_test.cpp
         LIBS t26_net Boost::system)
