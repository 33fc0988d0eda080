t26_test(replay_test LABELS unit
         SOURCES replay/recording_test.cpp replay/replayer_test.cpp replay/fixtures_test.cpp
         LIBS t26_sim simdjson::simdjson)
