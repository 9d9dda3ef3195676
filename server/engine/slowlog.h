#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace understudy::engine {

// The slow log (SLOWLOG GET/LEN/RESET): the latest commands that ran for at least
// slowlog-log-slower-than microseconds, newest first, at most slowlog-max-len of them.
class SlowLog {
 public:
  struct Entry {
    uint64_t id = 0;
    int64_t timestamp_s = 0;  // when the command ran, in Unix seconds
    int64_t duration_us = 0;
    std::vector<std::string> args;  // trimmed as Redis trims them (see Push)
    std::string client_addr;
    std::string client_name;
  };

  // Records a command. As Redis, at most 32 arguments are kept (the last one then says how
  // many more there were) and an argument over 128 bytes is cut there, saying how many bytes
  // more it had. redacted lists the indexes of arguments shown as "(redacted)" (passwords).
  void Push(std::span<const std::string_view> args, std::span<const size_t> redacted,
            int64_t timestamp_s, int64_t duration_us, std::string client_addr,
            std::string client_name, size_t max_len);
  // Drops the oldest entries beyond max_len (slowlog-max-len lowered).
  void Trim(size_t max_len);
  void Reset() { entries_.clear(); }
  const std::deque<Entry>& entries() const { return entries_; }

 private:
  std::deque<Entry> entries_;  // newest first
  uint64_t next_id_ = 0;
};

}  // namespace understudy::engine
