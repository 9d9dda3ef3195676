#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "client/options.h"
#include "client/pool.h"

namespace understudy::client::service {

// What RedisService::connect does when no Redis answers.
enum class Fallback : uint8_t {
  kEmbedded,  // run the understudy engine inside the process, through the in-process host
  kDegrade,   // development mode: every operation returns its empty default and logs a warning
  kOff,       // connect throws the connection error
};

// "embedded", "degrade", "off": the words REDIS_FALLBACK takes.
std::string_view FallbackName(Fallback fallback);

// Reads one environment variable: its value, or nullopt when it is not set. Injectable so that
// tests need not change the process's environment.
using GetEnv = std::function<std::optional<std::string>(const char* name)>;

// The process environment (std::getenv).
std::optional<std::string> ProcessEnv(const char* name);

// Where the service connects and what it does without a server. Built in code, or from the
// REDIS_* environment variables with FromEnvironment.
struct ServiceConfig {
  std::string host = "localhost";
  uint16_t port = 6379;
  bool tls = false;
  std::string username;  // empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
  int db = 0;
  // In code the default is off: a program that names its server means that server. From the
  // environment the default depends on what is set (see FromEnvironment).
  Fallback fallback = Fallback::kOff;

  // Finer settings, in code only.
  TlsOptions tls_options;  // CA file, client certificate, SNI; `enabled` follows `tls`
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{0};  // 0: wait for ever
  PoolOptions pool;
  std::string client_name;

  // Reads REDIS_HOST, REDIS_PORT, REDIS_TLS, REDIS_URL, REDIS_USERNAME, REDIS_PASSWORD,
  // REDIS_DB and REDIS_FALLBACK. A variable set to the empty string counts as unset. REDIS_URL
  // (redis://[[user][:password]@]host[:port][/db], or rediss:// for TLS) overrides REDIS_HOST,
  // REDIS_PORT and REDIS_TLS, and REDIS_USERNAME, REDIS_PASSWORD and REDIS_DB where it carries
  // them. REDIS_FALLBACK defaults to embedded when neither REDIS_URL nor REDIS_HOST is set, off
  // when either is. Throws Error(kConfig) naming the variable and its bad value.
  static ServiceConfig FromEnvironment(const GetEnv& getenv = ProcessEnv);

  // Applies a redis:// or rediss:// URL; `source` names it in errors ("REDIS_URL").
  void ApplyUrl(std::string_view url, std::string_view source = "url");

  // Throws Error(kConfig) for settings no server could take (port 0, a negative db, no host).
  void Validate() const;

  // The client options for a server at host:port.
  Options ToOptions() const;
};

}  // namespace understudy::client::service
