#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace understudy::engine {

// One MONITOR line as Redis writes it, a simple string with its CRLF:
// +1700000000.123456 [0 127.0.0.1:50000] "SET" "k" "v"
// Arguments are quoted, with backslash escapes for quotes, backslashes, \n \r \t \a \b and
// \xHH for other unprintable bytes; those at the `redacted` indexes show as "(redacted)".
std::string MonitorLine(int64_t now_us, int db, std::string_view origin,
                        std::span<const std::string_view> args, std::span<const size_t> redacted);

// Appends s quoted and escaped as Redis's sdscatrepr does.
void AppendQuoted(std::string& out, std::string_view s);

}  // namespace understudy::engine
