#include "client/service/config.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "client/detail/text.h"
#include "client/error.h"

namespace understudy::client::service {
namespace {

constexpr std::string_view kUrlForm =
    "redis://[[username][:password]@]host[:port][/db] or rediss://... for TLS";

[[noreturn]] void Fail(std::string message) { throw Error(ErrorKind::kConfig, std::move(message)); }

// `NAME="value"`, as every message about a bad variable starts.
std::string Quoted(std::string_view name, std::string_view value) {
  return detail::Cat(name, "=\"", value, "\"");
}

// A whole decimal number with no sign, or nullopt.
std::optional<uint64_t> ParseUnsigned(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  const std::optional<uint64_t> value = ParseUnsigned(text);
  if (!value || *value == 0 || *value > 65535) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

std::optional<int> ParseDb(std::string_view text) {
  const std::optional<uint64_t> value = ParseUnsigned(text);
  if (!value || *value > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

uint16_t PortVariable(std::string_view name, std::string_view value) {
  const std::optional<uint16_t> port = ParsePort(value);
  if (!port) Fail(Quoted(name, value) + " is not a port number (1 to 65535)");
  return *port;
}

int DbVariable(std::string_view name, std::string_view value) {
  const std::optional<int> db = ParseDb(value);
  if (!db) Fail(Quoted(name, value) + " is not a database number (an integer >= 0)");
  return *db;
}

bool BoolVariable(std::string_view name, std::string_view value) {
  if (value == "1" || detail::EqualsIgnoreCase(value, "true")) return true;
  if (value == "0" || detail::EqualsIgnoreCase(value, "false")) return false;
  Fail(Quoted(name, value) + " is not true, false, 1 or 0");
}

Fallback FallbackVariable(std::string_view name, std::string_view value) {
  for (const Fallback fallback : {Fallback::kEmbedded, Fallback::kDegrade, Fallback::kOff}) {
    if (detail::EqualsIgnoreCase(value, FallbackName(fallback))) return fallback;
  }
  Fail(Quoted(name, value) + " is not embedded, degrade or off");
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes, as a URL's user and password carry reserved characters; nullopt if malformed.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexDigit(text[i + 1]);
    const int low = HexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// The URL as it may be printed: a password in it replaced by "***".
std::string Redacted(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const size_t authority = scheme_end + 3;
  const size_t at = url.find('@', authority);
  if (at == std::string_view::npos) return std::string(url);
  const size_t colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return detail::Cat(url.substr(0, colon + 1), "***", url.substr(at));
}

}  // namespace

std::string_view FallbackName(Fallback fallback) {
  switch (fallback) {
    case Fallback::kEmbedded:
      return "embedded";
    case Fallback::kDegrade:
      return "degrade";
    case Fallback::kOff:
      return "off";
  }
  return "unknown";
}

std::optional<std::string> ProcessEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

void ServiceConfig::ApplyUrl(std::string_view url, std::string_view source) {
  const std::string shown = Quoted(source, Redacted(url));
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    Fail(detail::Cat(shown, " is not a URL: expected ", kUrlForm));
  }
  const std::string_view scheme = url.substr(0, scheme_end);
  if (detail::EqualsIgnoreCase(scheme, "redis")) {
    tls = false;
  } else if (detail::EqualsIgnoreCase(scheme, "rediss")) {
    tls = true;
  } else {
    Fail(detail::Cat(shown, " has the scheme \"", scheme, "\": expected ", kUrlForm));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t extra = rest.find_first_of("?#");
  if (extra != std::string_view::npos) {
    Fail(detail::Cat(shown, " has \"", rest.substr(extra),
                     "\": query parameters and fragments are not supported"));
  }
  std::string_view path;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view user_info = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = user_info.find(':');
    const std::optional<std::string> user = PercentDecode(user_info.substr(0, colon));
    const std::optional<std::string> pass = colon == std::string_view::npos
                                                ? std::optional<std::string>("")
                                                : PercentDecode(user_info.substr(colon + 1));
    if (!user || !pass) Fail(shown + " has a malformed %-escape in its user or password");
    if (!user->empty()) username = *user;
    if (!pass->empty()) password = *pass;
  }
  std::string_view host_text = rest;
  std::string_view port_text;
  if (rest.starts_with('[')) {  // an IPv6 address: [::1]:6379
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) Fail(shown + " has an unclosed '[' in its host");
    host_text = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) Fail(shown + " has text after its IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) Fail(shown + " has an empty port");
    }
  } else if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host_text = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
    if (port_text.empty()) Fail(shown + " has an empty port");
  }
  if (host_text.empty()) Fail(shown + " has no host");
  host = std::string(host_text);
  port = 6379;
  if (!port_text.empty()) {
    const std::optional<uint16_t> parsed = ParsePort(port_text);
    if (!parsed) {
      Fail(detail::Cat(shown, " has the port \"", port_text,
                       "\": expected a port number (1 to 65535)"));
    }
    port = *parsed;
  }
  if (!path.empty()) {
    const std::optional<int> parsed = ParseDb(path);
    if (!parsed) {
      Fail(detail::Cat(shown, " has the database \"", path, "\": expected an integer >= 0"));
    }
    db = *parsed;
  }
}

ServiceConfig ServiceConfig::FromEnvironment(const GetEnv& getenv) {
  const auto read = [&](const char* name) -> std::optional<std::string> {
    std::optional<std::string> value = getenv(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  ServiceConfig config;
  const std::optional<std::string> host = read("REDIS_HOST");
  const std::optional<std::string> url = read("REDIS_URL");
  if (host) config.host = *host;
  if (const auto port = read("REDIS_PORT")) config.port = PortVariable("REDIS_PORT", *port);
  if (const auto tls = read("REDIS_TLS")) config.tls = BoolVariable("REDIS_TLS", *tls);
  if (const auto username = read("REDIS_USERNAME")) config.username = *username;
  if (const auto password = read("REDIS_PASSWORD")) config.password = *password;
  if (const auto db = read("REDIS_DB")) config.db = DbVariable("REDIS_DB", *db);
  if (url) config.ApplyUrl(*url, "REDIS_URL");
  config.fallback = host || url ? Fallback::kOff : Fallback::kEmbedded;
  if (const auto fallback = read("REDIS_FALLBACK")) {
    config.fallback = FallbackVariable("REDIS_FALLBACK", *fallback);
  }
  return config;
}

void ServiceConfig::Validate() const {
  if (host.empty()) Fail("the service configuration has no host");
  if (port == 0) Fail("the service configuration's port 0 is not a port number (1 to 65535)");
  if (db < 0) {
    Fail(detail::Cat("the service configuration's db ", db,
                     " is not a database number (an integer >= 0)"));
  }
}

Options ServiceConfig::ToOptions() const {
  Options options;
  options.host = host;
  options.port = port;
  options.username = username;
  options.password = password;
  options.db = db;
  options.client_name = client_name;
  options.tls = tls_options;
  options.tls.enabled = tls;
  options.connect_timeout = connect_timeout;
  options.command_timeout = command_timeout;
  return options;
}

}  // namespace understudy::client::service
