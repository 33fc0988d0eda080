# The live_orders workload (sim/workloads/live_orders.h): live_gateway workers against mockex,
# its oracle and schema errors; the property test draws order and fault timelines.
t26_test(live_orders_workload_test LABELS unit SOURCES sim/live_orders_workload_test.cpp LIBS t26_sim)
