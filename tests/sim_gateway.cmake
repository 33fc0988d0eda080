# The real gateway in SimWorld under random fault timelines (ws drops, NATS restarts, 429
# storms); 8 worlds per run keep it under a minute with ASan. RC_PARAMS=seed=N reproduces.
t26_test(gateway_faults_property_test LABELS property
         SOURCES sim/gateway_faults_property_test.cpp
         LIBS t26_sim
         ENV "RC_PARAMS=max_success=8")
