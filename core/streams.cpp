#include "core/streams.h"

namespace core {
namespace {

StreamSpec file_stream(std::string name, const std::string& prefix) {
  StreamSpec spec;
  spec.name = std::move(name);
  spec.subjects = {prefix + ".>"};
  spec.storage = StreamStorage::kFile;
  spec.duplicate_window_us = kStreamDuplicateWindowUs;
  return spec;
}

}  // namespace

StreamSpec ticks_stream(const std::string& ticks_prefix) {
  return file_stream("TICKS", ticks_prefix);
}

StreamSpec orders_stream(const std::string& orders_prefix) {
  return file_stream("ORDERS", orders_prefix);
}

StreamSpec fills_stream(const std::string& fills_prefix) {
  return file_stream("FILLS", fills_prefix);
}

std::vector<StreamSpec> stream_specs(const StreamPrefixes& prefixes) {
  return {ticks_stream(prefixes.ticks), orders_stream(prefixes.orders),
          fills_stream(prefixes.fills)};
}

}  // namespace core
