#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "core/log.h"
#include "core/secrets/secrets.h"

namespace {

/// A .env file in the temp directory, removed again by the destructor.
class TempEnvFile {
 public:
  explicit TempEnvFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("t26_secrets_test_{}.env", ++counter_)) {
    std::ofstream(path_) << text;
  }
  ~TempEnvFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

constexpr const char* kCanary = "canary-5e3f9a1b-do-not-print";

}  // namespace

TEST_CASE("Secret never formats its value, only a fingerprint", "[secrets]") {
  core::Secret s(kCanary);
  std::string shown = fmt::format("{}", s);
  CHECK(shown.find(kCanary) == std::string::npos);
  CHECK(shown == fmt::format("Secret(fp={})", s.fingerprint()));
  CHECK(s.fingerprint().size() == 8);
  CHECK(s.expose() == kCanary);
  // SHA-256("abc") starts with ba7816bf.
  CHECK(core::Secret("abc").fingerprint() == "ba7816bf");
  core::log::Field field("key", s);
  CHECK(field.value() == shown);
}

TEST_CASE("Secrets come from the environment before the file", "[secrets]") {
  TempEnvFile f("BINANCE_API_KEY=from-file-key\nBINANCE_SECRET=from-file-secret\n");
  auto s = core::load_secrets("gateway", {{"BINANCE_API_KEY", "from-env-key"}}, f.path());
  REQUIRE(s.is_ok());
  REQUIRE(s->binance.complete());
  CHECK(s->binance.api_key->expose() == "from-env-key");
  CHECK(s->binance.secret->expose() == "from-file-secret");
  CHECK_FALSE(s->coinbase.api_key.has_value());
  CHECK(s->file == f.path());
}

TEST_CASE("Placeholder values count as absent", "[secrets]") {
  TempEnvFile f(
      "BINANCE_API_KEY=your_binance_api_key_here\nBINANCE_SECRET=real-secret\n"
      "KRAKEN_API_KEY=YOUR_KEY\nKRAKEN_SECRET=\n");
  auto s =
      core::load_secrets("gateway", {{"BINANCE_SECRET", ""}, {"COINBASE_API_KEY", "  "}}, f.path());
  REQUIRE(s.is_ok());
  CHECK_FALSE(s->binance.api_key.has_value());
  CHECK(s->binance.secret->expose() == "real-secret");  // empty env value falls through
  CHECK_FALSE(s->coinbase.api_key.has_value());
  CHECK_FALSE(s->kraken.api_key.has_value());
  CHECK_FALSE(s->kraken.secret.has_value());
  CHECK(core::is_placeholder("your_coinbase_secret_here"));
  CHECK_FALSE(core::is_placeholder("test_key"));
}

TEST_CASE("The shipped example files hold only placeholders", "[secrets]") {
  for (const char* path : {"secrets/gateway.env.example", "secrets/live_gateway.env.example"}) {
    auto s = core::load_secrets("gateway", {}, std::string(path));
    REQUIRE(s.is_ok());
    s->for_each([&](const char* name, const core::ExchangeKeys& keys) {
      INFO(path << " " << name);
      CHECK_FALSE(keys.api_key.has_value());
      CHECK_FALSE(keys.secret.has_value());
    });
  }
}

TEST_CASE(".env parsing handles comments, quotes and export", "[secrets]") {
  auto env = core::parse_env_file(
      "# comment\n\nexport A=plain\nB = \"dq \\\"x\\\" \\n\" # trailing\nC='single # not a "
      "comment'\nD=value # comment\nE=\r\nA=later\n",
      "f.env");
  REQUIRE(env.is_ok());
  CHECK(env->at("A") == "later");
  CHECK(env->at("B") == "dq \"x\" \n");
  CHECK(env->at("C") == "single # not a comment");
  CHECK(env->at("D") == "value");
  CHECK(env->at("E").empty());
}

TEST_CASE(".env errors name the file and line but never the value", "[secrets]") {
  auto bad = core::parse_env_file("A=1\nthis is not an assignment s3cr3t\n", "x.env");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code == core::Errc::kConfig);
  CHECK(bad.status().message == "secrets: x.env line 2: expected NAME=value");
  bad = core::parse_env_file("BINANCE_SECRET=\"s3cr3t\n", "x.env");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message ==
        "secrets: x.env line 1: the quote around BINANCE_SECRET is not "
        "closed");
  bad = core::parse_env_file("K='a' s3cr3t\n", "x.env");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message == "secrets: x.env line 1: text after the closing quote of K");
}

TEST_CASE("An explicit secrets file that is missing is an error", "[secrets]") {
  auto s = core::load_secrets("gateway", {}, std::string("/nonexistent/gateway.env"));
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().message ==
        "secrets: cannot read '/nonexistent/gateway.env': No such file or directory");
}

TEST_CASE("The secrets summary shows fingerprints only", "[secrets]") {
  auto s = core::load_secrets("gateway", {{"BINANCE_API_KEY", kCanary}}, std::nullopt);
  REQUIRE(s.is_ok());
  std::string summary = core::secrets_summary(*s);
  CHECK(summary.find(kCanary) == std::string::npos);
  CHECK(summary.rfind(fmt::format("binance=key:Secret(fp={}),secret:absent coinbase=absent "
                                  "kraken=absent file=",
                                  core::Secret(kCanary).fingerprint()),
                      0) == 0);
}
