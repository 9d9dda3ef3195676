#include "server/engine/monitor.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace understudy::engine {

void AppendQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= ' ' && c <= '~') {
          out += c;
        } else {
          absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(c));
        }
    }
  }
  out += '"';
}

std::string MonitorLine(int64_t now_us, int db, std::string_view origin,
                        std::span<const std::string_view> args, std::span<const size_t> redacted) {
  std::string line = absl::StrFormat("+%d.%06d [%d %s]", now_us / 1'000'000, now_us % 1'000'000, db,
                                     absl::string_view(origin.data(), origin.size()));
  for (size_t i = 0; i < args.size(); ++i) {
    line += ' ';
    const bool secret = std::find(redacted.begin(), redacted.end(), i) != redacted.end();
    AppendQuoted(line, secret ? std::string_view("(redacted)") : args[i]);
  }
  line += "\r\n";
  return line;
}

}  // namespace understudy::engine
