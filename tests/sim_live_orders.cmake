# The live_orders workload (sim/workloads/live_orders.h): live_gateway workers against mockex,
# its oracle and schema errors; the property test draws order and fault timelines.
t26_test(live_orders_workload_test LABELS unit SOURCES sim/live_orders_workload_test.cpp LIBS t26_sim)

# 20 drawn timelines per run keep it to seconds; RC_PARAMS=seed=N reproduces one.
t26_test(live_orders_faults_property_test LABELS property
         SOURCES sim/live_orders_faults_property_test.cpp
         LIBS t26_sim
         ENV "RC_PARAMS=max_success=20")
