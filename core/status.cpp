#include "core/status.h"

namespace core {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::kOk:
      return "ok";
    case Errc::kInvalidArgument:
      return "invalid_argument";
    case Errc::kNotFound:
      return "not_found";
    case Errc::kAlreadyExists:
      return "already_exists";
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kResourceExhausted:
      return "resource_exhausted";
    case Errc::kRejected:
      return "rejected";
    case Errc::kProtocol:
      return "protocol";
    case Errc::kConfig:
      return "config";
    case Errc::kIo:
      return "io";
    case Errc::kCancelled:
      return "cancelled";
    case Errc::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return fmt::format("{}: {}{}", errc_name(code), message, in_doubt ? " (in doubt)" : "");
}

}  // namespace core
