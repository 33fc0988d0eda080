# Long scenarios (scenarios/*_24h_*.yaml): in full only in a Release build (24 virtual hours);
# in other builds (ASan `make test`) in a short form: the first minute of the recording looped
# to 3 virtual minutes, which crosses two loop boundaries of the replay (replay_loop.h).
file(GLOB T26_LONG_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*_24h_*.yaml)
foreach(f ${T26_LONG_SCENARIOS})
  get_filename_component(n ${f} NAME_WE)
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    set(t "scenario: ${n}")
    add_test(NAME ${t} COMMAND sim run ${f} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  else()
    set(t "scenario: ${n} (short form)")
    add_test(NAME ${t} COMMAND sim run ${f} --set workload.duration=60s --set workload.loop_to=3m
             --set run_for=3m --check-determinism WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endif()
  set_tests_properties("${t}" PROPERTIES LABELS scenario)
endforeach()
