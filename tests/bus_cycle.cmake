# Connection cycles: after the client library gives up reconnecting, the bus starts a fresh
# connection and never gives up (issue 6 item 5). The [net] cases run a real nats-server.
t26_test(bus_cycle_test LABELS live
         SOURCES net/bus_cycle_test.cpp
         LIBS t26_net)
t26_test(sim_bus_cycle_test LABELS unit
         SOURCES sim/sim_bus_cycle_test.cpp
         LIBS t26_sim)
