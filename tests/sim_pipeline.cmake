# The pipeline workload's reference bars (hand-made frames, and the recording against the
# bars derived from Binance's trade dump) and its parameter errors. Runs from the source dir.
t26_test(pipeline_bars_test LABELS unit
         SOURCES sim/pipeline_bars_test.cpp
         LIBS t26_sim)
