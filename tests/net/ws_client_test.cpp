// net::BeastWsClient against a scripted server on loopback: a raw TCP acceptor that answers
// the upgrade (rightly or not), sends chosen bytes, and decodes the client's masked frames.
// What the contract suite cannot make our own server do: frames in the 101's segment,
// fragments, pings, protocol faults, a server that stops answering.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "core/ports/ws.h"
#include "core/ws_wire.h"
#include "net/asio_clock.h"
#include "net/beast_ws_client.h"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using core::WsOpcode;

constexpr std::int64_t kDeadlineUs = 10'000'000;

std::string frame(WsOpcode op, std::string_view payload, bool fin = true) {
  std::string out = core::ws_encode_frame(op, payload, std::nullopt);
  if (!fin) out[0] = static_cast<char>(out[0] & 0x7F);
  return out;
}

/// One frame the client sent, unmasked.
struct ClientFrame {
  WsOpcode opcode;
  std::string payload;
};

/// Accepts one connection, answers its upgrade with `answer(key)` followed by `after_upgrade`
/// in the same write, then records the client's frames. `send` writes more bytes later.
class ScriptedServer {
 public:
  using Answer = std::function<std::string(const std::string& key)>;

  ScriptedServer(net::AsioClock& clock, Answer answer, std::string after_upgrade)
      : acceptor_(clock.io_context(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        socket_(clock.io_context()),
        answer_(std::move(answer)),
        after_upgrade_(std::move(after_upgrade)) {
    acceptor_.async_accept(socket_, [this](boost::system::error_code ec) {
      if (!ec) read_request();
    });
  }

  static std::string accept(const std::string& key) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           core::ws_accept_for(key) + "\r\n\r\n";
  }

  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/ws";
  }
  void send(std::string bytes) {
    auto out = std::make_shared<std::string>(std::move(bytes));
    asio::async_write(socket_, asio::buffer(*out),
                      [out](boost::system::error_code, std::size_t) {});
  }
  void stop_reading() { reading_ = false; }

  std::vector<ClientFrame> frames;
  bool eof = false;
  bool masked = true;  // every client frame carried a mask

 private:
  void read_request() {
    asio::async_read_until(
        socket_, in_, "\r\n\r\n", [this](boost::system::error_code ec, std::size_t n) {
          if (ec) return;
          const std::string head(asio::buffers_begin(in_.data()),
                                 asio::buffers_begin(in_.data()) + n);
          in_.consume(n);
          const std::string field = "Sec-WebSocket-Key: ";
          const auto at = head.find(field);
          const std::string key =
              at == std::string::npos
                  ? ""
                  : head.substr(at + field.size(), head.find("\r\n", at) - at - field.size());
          send(answer_(key) + after_upgrade_);
          read_frames();
        });
  }

  void read_frames() {
    socket_.async_read_some(in_.prepare(4096), [this](boost::system::error_code ec, std::size_t n) {
      if (ec) {
        eof = true;
        return;
      }
      in_.commit(n);
      parse();
      if (reading_) read_frames();
    });
  }

  void parse() {
    for (;;) {
      std::string bytes(asio::buffers_begin(in_.data()), asio::buffers_end(in_.data()));
      if (bytes.size() < 2) return;
      const auto b1 = static_cast<std::uint8_t>(bytes[1]);
      masked = masked && (b1 & 0x80) != 0;
      std::size_t length = b1 & 0x7F;
      std::size_t header = 2;
      if (length == 126) {
        if (bytes.size() < 4) return;
        length = (static_cast<std::uint8_t>(bytes[2]) << 8) | static_cast<std::uint8_t>(bytes[3]);
        header = 4;
      }
      if (bytes.size() < header + 4 + length) return;
      std::string payload = bytes.substr(header + 4, length);
      for (std::size_t i = 0; i < length; ++i) payload[i] ^= bytes[header + i % 4];
      frames.push_back({static_cast<WsOpcode>(bytes[0] & 0x0F), payload});
      in_.consume(header + 4 + length);
    }
  }

  tcp::acceptor acceptor_;
  tcp::socket socket_;
  Answer answer_;
  std::string after_upgrade_;
  asio::streambuf in_;
  bool reading_ = true;
};

struct Log {
  bool opened = false;
  std::vector<std::string> texts;
  std::optional<std::pair<int, std::string>> closed;

  core::WsHandlers handlers() {
    return {[this] { opened = true; }, [this](const std::string& t) { texts.push_back(t); },
            [this](int code, const std::string& reason) { closed.emplace(code, reason); }};
  }
};

bool has_frame(const ScriptedServer& server, WsOpcode op, const std::string& payload) {
  for (const auto& f : server.frames)
    if (f.opcode == op && f.payload == payload) return true;
  return false;
}

}  // namespace

TEST_CASE("Frames in the 101's segment arrive, fragments join, and pings get their pong",
          "[contract][net][ws]") {
  net::AsioClock clock;
  const std::string burst = frame(WsOpcode::kText, "first") + frame(WsOpcode::kText, "he", false) +
                            frame(WsOpcode::kPing, "p1") +
                            frame(WsOpcode::kContinuation, "ll", false) +
                            frame(WsOpcode::kContinuation, "o") + frame(WsOpcode::kText, "last");
  ScriptedServer server(clock, ScriptedServer::accept, burst);
  net::BeastWsClient client(clock);
  Log log;
  client.connect(server.url(), log.handlers());
  REQUIRE(clock.run_until([&] { return log.texts.size() == 3 && !server.frames.empty(); },
                          kDeadlineUs));
  CHECK(log.opened);
  CHECK(log.texts == std::vector<std::string>{"first", "hello", "last"});
  CHECK(has_frame(server, WsOpcode::kPong, "p1"));
  CHECK(server.masked);
  // What the client sends is masked text, and the server's close is echoed with its code.
  REQUIRE(client.send_text("subscribe").is_ok());
  server.send(frame(WsOpcode::kClose, core::ws_close_payload(4003, "going away")));
  REQUIRE(clock.run_until([&] { return log.closed.has_value(); }, kDeadlineUs));
  CHECK(log.closed->first == 4003);
  CHECK(log.closed->second == "going away");
  REQUIRE(clock.run_until([&] { return server.eof; }, kDeadlineUs));
  CHECK(has_frame(server, WsOpcode::kText, "subscribe"));
  CHECK(has_frame(server, WsOpcode::kClose, core::ws_close_payload(4003, "")));
  CHECK(server.masked);
}

TEST_CASE("A refused or wrong upgrade answer ends the connect with 1006 naming it",
          "[contract][net][ws]") {
  net::AsioClock clock;
  struct Case {
    ScriptedServer::Answer answer;
    std::string says;
  };
  const std::vector<Case> cases{
      {[](const std::string&) { return std::string("HTTP/1.1 403 Forbidden\r\n\r\n"); },
       "answered 403 Forbidden"},
      {[](const std::string&) {
         return std::string(
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
       },
       "Sec-WebSocket-Accept does not match"},
      {[](const std::string& key) {
         auto a = ScriptedServer::accept(key);
         return a.insert(a.size() - 2, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
       },
       "extension"},
  };
  for (const auto& c : cases) {
    ScriptedServer server(clock, c.answer, "");
    net::BeastWsClient client(clock);
    Log log;
    client.connect(server.url(), log.handlers());
    REQUIRE(clock.run_until([&] { return log.closed.has_value(); }, kDeadlineUs));
    CHECK_FALSE(log.opened);
    CHECK(log.closed->first == core::kWsCloseAbnormal);
    CHECK(log.closed->second.find(c.says) != std::string::npos);
    CHECK(log.closed->second.find("websocket upgrade at 127.0.0.1:") != std::string::npos);
  }
}

TEST_CASE("A protocol fault from the server drops the link with 1006 after what came before it",
          "[contract][net][ws]") {
  net::AsioClock clock;
  struct Case {
    std::string bytes;
    std::string says;
  };
  const std::vector<Case> cases{
      {std::string("\x81\x81\x01\x02\x03\x04x", 7), "masked frame"},
      {frame(WsOpcode::kContinuation, "x"), "continuation frame outside a message"},
      {frame(WsOpcode::kText, "a", false) + frame(WsOpcode::kText, "b"), "new message inside"},
      {frame(WsOpcode::kText, std::string(300, 'x')), "over the limit of 256"},
      {frame(WsOpcode::kText, std::string(200, 'x'), false) +
           frame(WsOpcode::kContinuation, std::string(100, 'x')),
       "message over the limit of 256"},
  };
  for (const auto& c : cases) {
    ScriptedServer server(clock, ScriptedServer::accept, frame(WsOpcode::kText, "ok") + c.bytes);
    core::WsClientOptions options;
    options.message_bytes_max = 256;
    net::BeastWsClient client(clock, options);
    Log log;
    client.connect(server.url(), log.handlers());
    REQUIRE(clock.run_until([&] { return log.closed.has_value(); }, kDeadlineUs));
    CHECK(log.texts == std::vector<std::string>{"ok"});
    CHECK(log.closed->first == core::kWsCloseAbnormal);
    INFO(log.closed->second);
    CHECK(log.closed->second.find(c.says) != std::string::npos);
    CHECK(clock.run_until([&] { return server.eof; }, kDeadlineUs));
  }
}

TEST_CASE("With ping_interval the client pings a quiet server and drops one that never answers",
          "[contract][net][ws]") {
  net::AsioClock clock;
  ScriptedServer server(clock, ScriptedServer::accept, "");
  core::WsClientOptions options;
  options.ping_interval_us = 50'000;
  net::BeastWsClient client(clock, options);
  Log log;
  client.connect(server.url(), log.handlers());
  REQUIRE(clock.run_until([&] { return has_frame(server, WsOpcode::kPing, ""); }, kDeadlineUs));
  CHECK(client.is_open());
  // The server never pongs: after twice the interval of silence the link drops.
  REQUIRE(clock.run_until([&] { return log.closed.has_value(); }, kDeadlineUs));
  CHECK(log.closed->first == core::kWsCloseAbnormal);
  CHECK(log.closed->second.find("not even a pong") != std::string::npos);
}

TEST_CASE("A close the server never answers ends after the close timeout with 1006",
          "[contract][net][ws]") {
  net::AsioClock clock;
  ScriptedServer server(clock, ScriptedServer::accept, "");
  net::BeastWsClient client(clock);
  Log log;
  client.connect(server.url(), log.handlers());
  REQUIRE(clock.run_until([&] { return log.opened; }, kDeadlineUs));
  client.close(core::kWsCloseNormal, "bye");
  CHECK(client.send_text("late").code == core::Errc::kUnavailable);
  REQUIRE(clock.run_until(
      [&] { return has_frame(server, WsOpcode::kClose, core::ws_close_payload(1000, "bye")); },
      kDeadlineUs));
  REQUIRE(clock.run_until([&] { return log.closed.has_value(); }, kDeadlineUs));
  CHECK(log.closed->first == core::kWsCloseAbnormal);
  CHECK(log.closed->second.find("no close frame") != std::string::npos);
}
