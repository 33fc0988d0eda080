# Fault timelines drawn by rapidcheck; 25 worlds per run keep it to seconds. RC_PARAMS from
# the environment (e.g. seed=N) reproduces a run.
t26_test(bus_faults_property_test LABELS property
         SOURCES sim/bus_faults_property_test.cpp
         LIBS t26_sim
         ENV "RC_PARAMS=max_success=25")

t26_test(sim_test LABELS unit
         SOURCES sim/sim_network_test.cpp sim/sim_host_clock_test.cpp sim/scenario_test.cpp sim/sim_world_test.cpp
         LIBS t26_sim)

# Every scenario file runs through the `sim` binary, twice with its seed (trace hashes must
# match, else exit 4).
file(GLOB T26_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*.yaml)
list(FILTER T26_SCENARIOS EXCLUDE REGEX "_24h_")  # long ones: tests/sim_long.cmake
foreach(f ${T26_SCENARIOS})
  get_filename_component(n ${f} NAME_WE)
  add_test(NAME "scenario: ${n}" COMMAND sim run ${f} --check-determinism
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties("scenario: ${n}" PROPERTIES LABELS scenario)
endforeach()
