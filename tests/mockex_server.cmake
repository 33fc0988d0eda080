# MockExchange server: in-process over SimHttpServer (fast, deterministic), and the real
# `mockex` binary on a free port driven by cpp-httplib and by the real CCXT client (npm ci
# via `make deps` installs it into node_modules).
t26_test(mockex_server_test LABELS unit
         SOURCES mockex/server_test.cpp mockex/stream_test.cpp
         LIBS t26_sim)
