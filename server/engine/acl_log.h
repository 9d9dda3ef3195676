#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace understudy::engine {

// ACL LOG: the latest requests refused by the ACL rules (a command, a key, a channel) and failed
// authentications, newest first, at most acllog-max-len of them. A refusal like one logged less
// than a minute before (same reason, context, object and user) counts on that entry, which
// moves to the front.
class AclLog {
 public:
  struct Entry {
    uint64_t count = 1;
    std::string reason;    // "command", "key", "channel", "auth"
    std::string context;   // "toplevel", "multi", "lua"
    std::string object;    // the command, key or channel; "AUTH" for a failed authentication
    std::string username;  // for "auth", the name that was tried
    int64_t updated_ms = 0;
    std::string client_info;  // the client's CLIENT LIST line when it was refused last
  };

  void Add(Entry entry, size_t max_len);
  void Trim(size_t max_len);
  void Reset() { entries_.clear(); }
  const std::deque<Entry>& entries() const { return entries_; }

 private:
  std::deque<Entry> entries_;  // newest first
};

}  // namespace understudy::engine
