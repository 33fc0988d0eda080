# The gateway_replay workload's HTTP API probe and exchange 5xx action (api_burst, rest_errors,
# api_* expectations); one small burst runs through run_scenario (a few seconds with ASan).
t26_test(gateway_api_probe_test LABELS unit
         SOURCES sim/gateway_api_probe_test.cpp
         LIBS t26_sim)
