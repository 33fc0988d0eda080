t26_test(sim_test LABELS unit
         SOURCES sim/sim_network_test.cpp sim/sim_host_clock_test.cpp sim/scenario_test.cpp
         LIBS t26_sim)
