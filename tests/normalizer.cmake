t26_test(normalizer_test LABELS unit
         SOURCES normalizer/bar_builder_test.cpp normalizer/bar_rows_test.cpp
                 normalizer/normalizer_service_test.cpp
         LIBS t26_normalizer t26_sim)
