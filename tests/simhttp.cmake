# Sim HTTP/WebSocket twins: the shared contract suite over SimNetwork, sim-only fault cases,
# and unit tests of the HTTP/1.1 wire code in sim/detail.
t26_test(sim_http_contract_test LABELS contract
         SOURCES contract/sim_http_contract_test.cpp
         LIBS t26_sim)
t26_test(sim_http_wire_test LABELS unit
         SOURCES sim/http1_wire_test.cpp
         LIBS t26_sim)
