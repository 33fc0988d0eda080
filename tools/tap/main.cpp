// tap: prints what arrives on a NATS subject, one message per line (Debian ships no nats CLI).
//
//   tap [--url nats://127.0.0.1:4222] [--count N] [--headers] [--queue GROUP] SUBJECT
//
// Each line is `<subject> <payload>`, or with --headers `<subject> [k=v,...] <payload>`.
// Exits 0 after N messages (--count) or on Ctrl-C; 1 on bad arguments or no connection.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <boost/asio/signal_set.hpp>

#include "core/ports/bus.h"
#include "net/asio_clock.h"
#include "net/nats_bus.h"

namespace {

constexpr const char* kUsage =
    "usage: tap [--url nats://127.0.0.1:4222] [--count N] [--headers] [--queue GROUP] SUBJECT\n";

std::string format_line(const core::BusMessage& m, bool with_headers) {
  std::string line = m.subject;
  if (with_headers) {
    line += " [";
    for (std::size_t i = 0; i < m.headers.size(); ++i) {
      line += (i ? "," : "") + m.headers[i].name + "=" + m.headers[i].value;
    }
    line += "]";
  }
  return line + " " + m.data;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  core::BusOptions options;
  options.name = "tap";
  options.jetstream = false;  // a tap reads core subjects; JetStream stream subjects work too
  long count = -1;
  bool headers = false;
  std::string queue;
  std::string subject;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--url" && has_value) {
      options.url = args[++i];
    } else if (args[i] == "--count" && has_value) {
      count = std::strtol(args[++i].c_str(), nullptr, 10);
    } else if (args[i] == "--headers") {
      headers = true;
    } else if (args[i] == "--queue" && has_value) {
      queue = args[++i];
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (args[i].rfind("--", 0) == 0 || !subject.empty()) {
      std::cerr << "tap: unexpected argument '" << args[i] << "'\n" << kUsage;
      return 1;
    } else {
      subject = args[i];
    }
  }
  if (subject.empty()) {
    std::cerr << "tap: no subject\n" << kUsage;
    return 1;
  }
  net::AsioClock clock;
  std::unique_ptr<net::NatsBus> bus;
  try {
    bus = std::make_unique<net::NatsBus>(clock, options);
  } catch (const std::exception& e) {
    std::cerr << "tap: " << e.what() << "\n";
    return 1;
  }
  long seen = 0;
  auto sub = bus->subscribe(subject, queue, [&](const core::BusMessage& m) {
    std::cout << format_line(m, headers) << std::endl;
    if (count > 0 && ++seen >= count) clock.stop();
  });
  if (!sub) {
    std::cerr << "tap: " << sub.status().message << "\n";
    return 1;
  }
  boost::asio::signal_set signals(clock.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { clock.stop(); });
  clock.run();
  return 0;
}
