#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace understudy::engine {

// Classes of keyspace notifications (notify-keyspace-events), as bits. kKeyspace and kKeyevent
// pick the channels; the others pick the events.
enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1 << 0,  // K: __keyspace@<db>__:<key>, message the event
  kNotifyKeyevent = 1 << 1,  // E: __keyevent@<db>__:<event>, message the key
  kNotifyGeneric = 1 << 2,   // g: DEL, EXPIRE, RENAME, ...
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x: a key removed because its deadline passed
  kNotifyEvicted = 1 << 9,   // e: evicted for maxmemory (never, without eviction)
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m: a read found no key
  kNotifyModule = 1 << 12,   // d
  kNotifyNew = 1 << 13,      // n: a key was created
  // A: every event class except m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Parses a notify-keyspace-events value ("KEA", "Elg", ""); nullopt for a character that is no
// class.
std::optional<uint32_t> ParseNotifyClasses(std::string_view text);
// The canonical text CONFIG GET shows: "A" for every class of A, else the classes in Redis's
// order, then K, E and m. As Redis 7.0, n does not show after A.
std::string RenderNotifyClasses(uint32_t classes);

// Builds the channel names of keyspace notifications in one reused buffer.
class NotificationChannels {
 public:
  // "__keyspace@<db>__:<key>"
  std::string_view Keyspace(int db, std::string_view key);
  // "__keyevent@<db>__:<event>"
  std::string_view Keyevent(int db, std::string_view event);

 private:
  std::string_view Build(std::string_view prefix, int db, std::string_view suffix);
  std::string buffer_;
};

}  // namespace understudy::engine
