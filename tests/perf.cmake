# Hot-path helpers sped up for the gateway end-to-end numbers (DESIGN.md section 7).
t26_test(pub_ack_test LABELS unit SOURCES perf/pub_ack_test.cpp LIBS t26_core)
