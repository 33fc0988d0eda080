# PaperEngine: deterministic paper fills from ticks (issue 7 item 3).
t26_test(live_paper_test LABELS unit
         SOURCES live_gateway/paper_engine_test.cpp
         LIBS t26_live_gateway)
t26_test(live_paper_property_test LABELS property
         SOURCES live_gateway/paper_engine_property_test.cpp
         LIBS t26_live_gateway)
