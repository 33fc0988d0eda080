#include "core/ports/bus.h"

namespace core {

std::string_view header_value(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

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
