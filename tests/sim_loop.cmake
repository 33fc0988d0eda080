# sim::ReplayLoop, the transformation behind the 24-hour replay (scenarios/gateway_24h_replay.yaml).
t26_test(replay_loop_test LABELS unit
         SOURCES sim/replay_loop_test.cpp
         LIBS t26_sim)
