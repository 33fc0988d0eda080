# SimJetStream's duplicate window (sim/detail/dedup_window.h) against a map model.
t26_test(dedup_window_test LABELS unit
         SOURCES sim/dedup_window_test.cpp
         LIBS t26_sim)
