#include "core/ports/bus.h"

namespace core {

const char* bus_state_name(BusState state) {
  switch (state) {
    case BusState::kConnected:
      return "connected";
    case BusState::kDisconnected:
      return "disconnected";
    case BusState::kReconnected:
      return "reconnected";
    case BusState::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace core
