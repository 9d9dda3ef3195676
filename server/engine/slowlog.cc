#include "server/engine/slowlog.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace understudy::engine {
namespace {

constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgBytes = 128;

}  // namespace

void SlowLog::Push(std::span<const std::string_view> args, std::span<const size_t> redacted,
                   int64_t timestamp_s, int64_t duration_us, std::string client_addr,
                   std::string client_name, size_t max_len) {
  Entry entry;
  entry.id = next_id_++;
  entry.timestamp_s = timestamp_s;
  entry.duration_us = duration_us;
  const size_t kept = std::min(args.size(), kMaxArgs);
  for (size_t i = 0; i < kept; ++i) {
    if (i + 1 == kMaxArgs && args.size() > kMaxArgs) {
      entry.args.push_back(absl::StrCat("... (", args.size() - kMaxArgs + 1, " more arguments)"));
    } else if (std::find(redacted.begin(), redacted.end(), i) != redacted.end()) {
      entry.args.emplace_back("(redacted)");
    } else if (args[i].size() > kMaxArgBytes) {
      entry.args.push_back(absl::StrCat(std::string(args[i].substr(0, kMaxArgBytes)), "... (",
                                        args[i].size() - kMaxArgBytes, " more bytes)"));
    } else {
      entry.args.emplace_back(args[i]);
    }
  }
  entry.client_addr = std::move(client_addr);
  entry.client_name = std::move(client_name);
  entries_.push_front(std::move(entry));
  Trim(max_len);
}

void SlowLog::Trim(size_t max_len) {
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace understudy::engine
