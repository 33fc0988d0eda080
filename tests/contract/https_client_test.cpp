// net::BeastHttpClient over TLS against `openssl s_server` with a self-signed certificate made
// at test time: verification against a given CA file, the host name check, and refusal when
// the certificate is not trusted. Net only: the sim network has no TLS layer.
#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "net/asio_clock.h"
#include "net/beast_http_client.h"

extern char** environ;

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr std::int64_t kMs = 1000;

std::uint16_t free_port(asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(tcp::v4(), 0));
  return probe.local_endpoint().port();
}

/// `openssl s_server -www` on a free port with a fresh self-signed cert for "localhost".
/// Killed and reaped in the destructor.
class OpensslServer {
 public:
  explicit OpensslServer(asio::io_context& io) : port_(free_port(io)) {
    char dir_template[] = "/tmp/t26-tls-XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    dir_ = dir_template;
    const std::string make_cert =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost -keyout " +
        key() + " -out " + cert() + " 2>/dev/null";
    REQUIRE(std::system(make_cert.c_str()) == 0);
    std::vector<std::string> args = {
        "openssl", "s_server", "-quiet", "-www", "-accept", std::to_string(port_),
        "-cert",   cert(),     "-key",   key()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(::posix_spawnp(&pid_, "openssl", nullptr, nullptr, argv.data(), environ) == 0);
  }
  ~OpensslServer() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }

  std::uint16_t port() const { return port_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::uint16_t port_;
  std::string dir_;
  pid_t pid_ = 0;
};

core::Result<core::HttpResponse> get(net::AsioClock& clock, core::HttpClient& client,
                                     const std::string& host, std::uint16_t port) {
  std::optional<core::Result<core::HttpResponse>> result;
  client.request(core::Url{"https", host, port, ""}, {"GET", "/", {}, ""}, 3000 * kMs,
                 [&](core::Result<core::HttpResponse> r) { result.emplace(std::move(r)); });
  REQUIRE(clock.run_until([&] { return result.has_value(); }, 10'000 * kMs));
  return std::move(*result);
}

/// Polls with a trusting client until s_server answers (it needs a moment to bind).
void wait_ready(net::AsioClock& clock, const OpensslServer& server) {
  net::BeastHttpClient client(clock, core::HttpClientOptions{.ca_file = server.cert()});
  const std::int64_t deadline_us = clock.now_us() + 10'000 * kMs;
  while (!get(clock, client, "localhost", server.port()).is_ok()) {
    REQUIRE(clock.now_us() < deadline_us);
    clock.run_for(50 * kMs);
  }
}

}  // namespace

TEST_CASE("BeastHttpClient speaks https to a server whose certificate it trusts",
          "[contract][net][tls]") {
  net::AsioClock clock;
  OpensslServer server(clock.io_context());
  wait_ready(clock, server);

  net::BeastHttpClient trusting(clock, core::HttpClientOptions{.ca_file = server.cert()});
  auto ok = get(clock, trusting, "localhost", server.port());
  REQUIRE(ok.is_ok());
  CHECK(ok->status == 200);
  CHECK(ok->body.find("s_server") != std::string::npos);

  auto wrong_name = get(clock, trusting, "127.0.0.1", server.port());  // cert names localhost
  REQUIRE_FALSE(wrong_name.is_ok());
  CHECK(wrong_name.status().code == core::Errc::kUnavailable);
  CHECK(wrong_name.status().message.find("TLS handshake") != std::string::npos);
  CHECK_FALSE(wrong_name.status().in_doubt);

  net::BeastHttpClient system_cas(clock);
  auto untrusted = get(clock, system_cas, "localhost", server.port());
  REQUIRE_FALSE(untrusted.is_ok());
  CHECK(untrusted.status().code == core::Errc::kUnavailable);
  CHECK(untrusted.status().message.find("certificate verify failed") != std::string::npos);
}

TEST_CASE("BeastHttpClient reports an unreadable CA file as kConfig", "[contract][net][tls]") {
  net::AsioClock clock;
  net::BeastHttpClient client(clock, core::HttpClientOptions{.ca_file = "/nonexistent/ca.pem"});
  auto res = get(clock, client, "localhost", 443);
  REQUIRE_FALSE(res.is_ok());
  CHECK(res.status().code == core::Errc::kConfig);
  CHECK(res.status().message.find("/nonexistent/ca.pem") != std::string::npos);
}
