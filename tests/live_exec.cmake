# Live execution against the mock exchange, in virtual time: MockExchange's fault hooks, and
# live_gateway::LiveExecutor placing, cancelling and recovering in-doubt orders through them.
t26_test(mockex_faults_test LABELS unit SOURCES mockex/faults_test.cpp LIBS t26_sim)
t26_test(live_executor_test LABELS unit SOURCES live/live_executor_test.cpp
         LIBS t26_live_gateway t26_sim)

# The real `mockex --admin` binary (Beast's connection reset for accept-then-drop).
t26_test(mockex_admin_live_test LABELS contract SOURCES live/mockex_admin_live_test.cpp
         LIBS t26_core PkgConfig::MOCKEX_HTTPLIB)
add_dependencies(mockex_admin_live_test mockex)
target_compile_definitions(mockex_admin_live_test PRIVATE T26_MOCKEX_BIN="$<TARGET_FILE:mockex>")
