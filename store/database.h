#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/clock.h"
#include "store/encoding_config.h"
#include "store/key_observer.h"
#include "store/value.h"

namespace understudy::store {

class LazyFreer;
class TimingWheel;

// Key lookups (Find and Peek) that found a live key, and those that did not. The keyspace keeps
// one count for all its databases; the engine reports those of read commands as INFO's
// keyspace_hits and keyspace_misses.
struct LookupCounts {
  uint64_t hits = 0;
  uint64_t misses = 0;
};

// Deadline meaning "no expiry". Stored deadlines are absolute Unix milliseconds.
inline constexpr int64_t kNoExpiry = -1;
// Deadline argument of a write: keep the key's current deadline (SET KEEPTTL, rewrites).
inline constexpr int64_t kKeepTtl = -2;

// One numbered database: key -> typed value, with an optional absolute expiry per key.
//
// Each key is one allocation holding the key, a string value up to 44 bytes or the pointer to a
// larger one, and a deadline only if it has one (see Entry in database.cc); the table is a
// HashTable with incremental rehashing and a SCAN cursor that holds across resizes, and that
// shrinks as keys go.
//
// Expiry is lazy and active. Every lookup first deletes the key if its deadline has passed
// (so a command never sees an expired key), and ExpireDue() deletes keys whose deadline has
// passed by walking a hierarchical timing wheel, never the keyspace. All time comes from the
// Clock given at construction.
//
// A Value* handed out stays valid while other keys come and go; a write to its own key through
// the Database (Set, SetExpiry, Persist, Rename) may move it. A container (as<ListValue>() and
// the like) never moves while its key holds it.
//
// Large values are freed by `freer` when one is given, off the caller's thread: on Unlink,
// overwrites, expiry and Clear(async); Erase frees at once, like Redis's DEL.
//
// Not thread safe: one event loop owns it, like Redis's single thread.
class Database {
 public:
  explicit Database(const Clock& clock, int index = 0, LazyFreer* freer = nullptr);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Where key events go (see KeyObserver); null reports nothing.
  void set_observer(KeyObserver* observer) { observer_ = observer; }
  int index() const { return index_; }

  // The live value under key, or nullptr (an expired key is deleted first). A caller that
  // changes the value in place reports it with Written(key).
  Value* Find(std::string_view key);
  // Find without counting as an access (TYPE, TTL, EXISTS and OBJECT look so in Redis).
  Value* Peek(std::string_view key);
  // Time since key was last read or written, in whole seconds as milliseconds (OBJECT
  // IDLETIME); nullopt if it does not exist.
  std::optional<int64_t> IdleMs(std::string_view key);
  // Bytes key and its value hold: the entry's chunk, its table slot and the value's heap
  // (MEMORY USAGE); nullopt if it does not exist. Not an access.
  std::optional<size_t> MemoryUsage(std::string_view key);
  // Reports an in-place change of key's value to the observer.
  void Written(std::string_view key) { Notify(key, KeyEvent::kWritten); }
  // Whether key holds a live value. Unlike Find it never deletes: for commands that must not
  // modify (none yet) and tests.
  bool Contains(std::string_view key) const;

  // Inserts key with an empty value of `type` if it is missing (or expired). Returns the value
  // and whether it was inserted. The caller checks the type of an existing value, fills the
  // value and reports that with Written(key).
  std::pair<Value*, bool> FindOrInsert(std::string_view key, ValueType type);

  // Stores the string s under key, replacing any previous value, encoded as `policy` allows.
  // The key gets deadline_ms: kNoExpiry for none (SET semantics), kKeepTtl to keep an existing
  // key's. A deadline at or before now stores, then deletes the key as SetExpiry does. Returns
  // the value, or nullptr if it was deleted so. s must not view key's current value.
  Value* Set(std::string_view key, std::string_view s,
             StringPolicy policy = StringPolicy::kTryInt, int64_t deadline_ms = kNoExpiry);
  // Stores a copy of `value` (COPY), same encoding; otherwise as above. value must not be key's.
  Value* Set(std::string_view key, const Value& value, int64_t deadline_ms = kNoExpiry);
  // Stores an empty value of `type` under key in place of whatever it held, deadline included
  // (the *STORE commands). Like Set, it is a creation only if key was missing, and it is
  // reported written at once: the caller fills the value before anything reads it.
  Value* Replace(std::string_view key, ValueType type);

  // Deletes key, freeing its value at once; false if it did not exist (or had expired).
  bool Erase(std::string_view key);
  // Deletes key like Erase, but a large value is freed off the loop (UNLINK).
  bool Unlink(std::string_view key);

  // Deadline of a live key: kNoExpiry if it has none, nullopt if the key does not exist.
  std::optional<int64_t> GetExpiry(std::string_view key);
  // Sets the deadline of a live key. Returns false if the key does not exist. A deadline at or
  // before now (any negative one included) deletes the key at once and still returns true; the
  // deletion is not counted in expired_count(), as Redis reports it as a DEL.
  bool SetExpiry(std::string_view key, int64_t deadline_ms);
  // Removes the deadline of a live key; false if the key does not exist or had none.
  bool Persist(std::string_view key);

  // Moves the value and deadline of `from` to `to` (replacing `to`). Both keys must differ
  // and `from` must exist; returns false otherwise.
  bool Rename(std::string_view from, std::string_view to);
  // Moves key, its value and deadline, to `target` (MOVE) without copying the value. False if
  // key does not exist here or already exists there.
  bool MoveTo(std::string_view key, Database& target);

  // Keys currently stored, including any whose deadline passed but that were not reclaimed
  // yet (what DBSIZE reports in Redis too).
  size_t size() const;
  size_t expires_size() const { return expires_size_; }
  // Bytes of the key table's bucket array (MEMORY STATS' overhead of the main table).
  size_t IndexBytes() const;
  // Average time to live of the keys that have a deadline, in ms (0 if none): INFO's avg_ttl,
  // exact where Redis estimates it.
  int64_t AverageTtlMs() const;

  // Deletes every key; with async (FLUSHDB ASYNC) the keys are freed off the loop.
  void Clear(bool async = false);

  // Calls fn for every live key (KEYS). Expired keys are skipped, not deleted.
  void ForEach(const std::function<void(std::string_view key, const Value& value)>& fn);

  // Cursor iteration (SCAN). Starting at `cursor` (0 to begin), visits hash buckets until about
  // `count` keys were passed to fn or 10 * count buckets were visited, and returns the next
  // cursor (0 when done). Every key present for the whole of a full iteration is returned at
  // least once, however the keyspace grows or shrinks in between; keys may be returned more than
  // once. Expired keys are skipped. fn must not modify the database (nor may ForEach's).
  uint64_t Scan(uint64_t cursor, size_t count,
                const std::function<void(std::string_view key, const Value& value)>& fn);

  // A random live key, or nullopt if there is none. Expired keys it lands on are deleted.
  std::optional<std::string> RandomKey();

  // Deletes up to `budget` keys whose deadline has passed, per the timing wheel; returns the
  // number deleted. The server calls it periodically (active expiry).
  size_t ExpireDue(size_t budget);

  // Total keys deleted because their deadline passed (lazily or actively).
  void ResetExpiredCount() { expired_count_ = 0; }
  uint64_t expired_count() const { return expired_count_; }

 private:
  class Entry;
  struct EntryTraits;
  class Table;

  // The entry under key if it is live; one whose deadline passed is deleted first.
  Entry* Lookup(std::string_view key);
  // Seconds of the clock, in the 24 bits an entry keeps of them.
  static constexpr uint32_t kAccessClockMax = (1u << 24) - 1;
  uint32_t AccessClock() const;
  // Writes a value of `footprint` bytes, built by emplace(address), under key (see Set).
  template <typename Emplace>
  Value* Write(std::string_view key, size_t footprint, int64_t deadline_ms, Emplace emplace);
  // Gives entry room for the TTL fields, or takes them away; returns where the entry is now.
  Entry* Relayout(Entry* entry, bool ttl);
  // Unlinks and frees entry together with its timer; lazy lets the freer take a large value.
  void Delete(Entry* entry, bool lazy);
  void FreeEntry(Entry* entry, bool lazy);
  void FreeValue(Value& value, bool lazy);
  void AddTimer(Entry* entry, int64_t deadline_ms);
  // Cancels entry's timer, if it has a TTL; the TTL fields stay until the entry is relaid.
  void DropTimer(Entry* entry);
  // Deletes an entry whose deadline passed and reports it.
  void Expire(Entry* entry);
  void Notify(std::string_view key, KeyEvent event) {
    if (observer_ != nullptr) observer_->OnKeyEvent(index_, key, event);
  }

  friend class Keyspace;  // SwapDatabases renumbers the databases it swaps

  const Clock& clock_;
  int index_;
  LazyFreer* const freer_;
  KeyObserver* observer_ = nullptr;
  std::unique_ptr<Table> table_;
  std::unique_ptr<TimingWheel> timers_;
  size_t expires_size_ = 0;
  // The sum of the deadlines of the keys that have one (wide: millions of Unix-ms deadlines;
  // __extension__ marks GCC's 128-bit integer as meant, for -Wpedantic).
  __extension__ typedef __int128 DeadlineSum;
  DeadlineSum deadline_sum_ = 0;
  uint64_t expired_count_ = 0;
  LookupCounts* lookups_ = nullptr;  // the keyspace's
};

// The numbered databases of one server (SELECT 0..N-1).
class Keyspace {
 public:
  explicit Keyspace(const Clock& clock, int num_databases = 16);
  ~Keyspace();

  int num_databases() const { return static_cast<int>(databases_.size()); }
  Database& db(int index) { return *databases_[index]; }
  const Clock& clock() const { return clock_; }

  void set_observer(KeyObserver* observer);
  // The encoding thresholds new and growing containers follow (CONFIG SET changes them).
  EncodingConfig& encoding() { return encoding_; }
  const EncodingConfig& encoding() const { return encoding_; }
  // Clears every database; with async the keys are freed off the loop (FLUSHALL ASYNC).
  void FlushAll(bool async = false);
  // Where large values are freed off the loop.
  LazyFreer& freer() { return *freer_; }
  // Runs active expiry over every database with a total budget; returns keys deleted.
  size_t ExpireDue(size_t budget);
  // SWAPDB: database a's keys, values and deadlines become database b's and the reverse, at
  // once, whatever their size. Both indexes must be valid.
  void SwapDatabases(int a, int b);
  const LookupCounts& lookups() const { return lookups_; }

 private:
  const Clock& clock_;
  EncodingConfig encoding_;
  // Before the databases, so it outlives them.
  std::unique_ptr<LazyFreer> freer_;
  LookupCounts lookups_;
  std::vector<std::unique_ptr<Database>> databases_;
  size_t next_db_ = 0;  // where ExpireDue hands out leftover budget first, rotating for fairness
};

}  // namespace understudy::store
