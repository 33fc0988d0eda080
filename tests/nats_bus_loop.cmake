# net::NatsBus on the Asio loop (nats.c external event loop): bursts, pre-encoded headers.
t26_test(nats_bus_loop_test LABELS contract
         SOURCES net/nats_bus_loop_test.cpp
         LIBS t26_net t26_sim)
