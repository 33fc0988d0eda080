t26_test(gateway_codec_test LABELS unit
         SOURCES gateway/binance_codec_test.cpp gateway/coinbase_codec_test.cpp
                 gateway/kraken_codec_test.cpp gateway/tick_publisher_test.cpp
         LIBS t26_gateway t26_sim)
