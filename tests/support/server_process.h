/// @file tests/support/server_process.h
/// @brief The tests' names for sim/live/server_process.h (free ports, temp dirs, child
/// processes that die with us), shared with `sim run --live`.
#pragma once

#include "sim/live/server_process.h"

namespace testsupport {

using sim::live::free_tcp_port;
using sim::live::ServerProcess;
using sim::live::TempDir;
using sim::live::wait_for_tcp;

}  // namespace testsupport
