#pragma once

#include <cstdint>
#include <string_view>

namespace understudy::store {

enum class KeyEvent : uint8_t {
  kWritten,  // the key was created, or its value or deadline changed
  kDeleted,  // removed by a command (DEL, an emptied container, RENAME's source, ...)
  kExpired,  // removed because its deadline passed, lazily or actively
  // A key was added where none was (before the kWritten of its value, if any): Redis's "new".
  // RENAME's destination is added anew even when it replaced a key, as Redis deletes it first.
  kCreated,
};

// The one place that hears of every change to a keyspace: the engine counts dirty changes,
// breaks WATCHes, wakes clients blocked on a key and emits keyspace notifications from it.
// The store reports creations, deletions, expiries, renames and flushes itself; an operation
// that changes a value in place reports it with Database::Written.
class KeyObserver {
 public:
  virtual ~KeyObserver() = default;
  virtual void OnKeyEvent(int db, std::string_view key, KeyEvent event) = 0;
  // Every key of database db was removed (FLUSHDB, and FLUSHALL for each database).
  virtual void OnFlush(int db) = 0;
};

}  // namespace understudy::store
