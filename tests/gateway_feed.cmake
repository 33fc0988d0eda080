t26_test(gateway_feed_test LABELS unit
         SOURCES gateway/market_feed_test.cpp gateway/rest_ticker_codec_test.cpp
         LIBS t26_gateway t26_sim)
