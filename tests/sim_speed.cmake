# SimJetStream's duplicate window (sim/detail/dedup_window.h) against a map model.
t26_test(dedup_window_test LABELS unit
         SOURCES sim/dedup_window_test.cpp
         LIBS t26_sim)

# gateway_replay's Coinbase and Kraken references and its `exchange` parameter.
t26_test(venue_replay_test LABELS unit
         SOURCES sim/venue_replay_test.cpp
         LIBS t26_sim)
