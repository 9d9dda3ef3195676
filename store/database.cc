#include "store/database.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "store/hash_table.h"
#include "store/lazy_free.h"
#include "store/timing_wheel.h"

namespace understudy::store {
namespace {

// Freeing a value of more allocations than this goes to the lazy freer, as Redis's
// LAZYFREE_THRESHOLD: below it, handing the work over costs more than doing it.
constexpr size_t kLazyFreeThreshold = 64;

// glibc's malloc chunks come in steps of 16 bytes: an entry whose chunk has this much room to
// spare would fit a smaller one, so it is moved rather than reused in place.
constexpr size_t kChunkStep = 16;

// A synchronous flush of more keys than this returns the freed memory to the system.
constexpr size_t kTrimAfterKeys = 1 << 16;

}  // namespace

// A key and its value in one allocation, laid out for bytes per key:
//
//   next (8) | header (1) | access (3) [| key length (8)] | key | value
//   [| deadline (8) | timer (4)]
//
// `next` links the table's chain. The header's top bit says whether the key has a TTL, and so
// whether the deadline and timer fields are there at all; its low 7 bits hold the key's length,
// or 127 when an 8-byte length follows. `access` is the access clock (AccessClock) when the key
// was last read or written, as Redis's 24-bit LRU field: OBJECT IDLETIME, and what LRU eviction
// will go by. The value is a Value: a tag and its payload (value.h). Past `next` nothing is
// aligned, so fields are read with memcpy. A 14-byte key with a 16-byte string takes 43 bytes,
// a 64-byte malloc chunk (56 usable); with a TTL, 55 bytes in the same chunk.
//
// An entry moves when it is laid out anew and its chunk has no room (a TTL added, a bigger
// value, a rename); the table link and the timer's payload are updated to follow it.
class Database::Entry {
 public:
  static constexpr size_t kTtlSize = sizeof(int64_t) + sizeof(TimingWheel::Handle);

  static size_t Size(size_t key_size, size_t value_footprint, bool ttl) {
    return sizeof(Entry) + HeaderSize(key_size) + key_size + value_footprint +
           (ttl ? kTtlSize : 0);
  }

  // An entry for key, `size` bytes long (see Size) with the TTL flag as given; the value and
  // the TTL fields are still to be written.
  static Entry* Create(std::string_view key, size_t size, bool ttl, uint32_t access) {
    void* memory = std::malloc(size);
    if (memory == nullptr) throw std::bad_alloc();
    auto* entry = new (memory) Entry;
    char* p = entry->bytes();
    const uint8_t flag = ttl ? kTtlBit : 0;
    *p = static_cast<char>((key.size() < kLongKey ? key.size() : kLongKey) | flag);
    entry->set_access(access);
    p += 1 + kAccessSize;
    if (key.size() >= kLongKey) {
      const uint64_t length = key.size();
      std::memcpy(p, &length, sizeof(length));
      p += sizeof(length);
    }
    std::memcpy(p, key.data(), key.size());
    return entry;
  }

  // A copy of entry's bytes without TTL fields, `size` bytes long, with the TTL flag as given.
  // The value now belongs to the copy: entry is only to be unlinked and freed with FreeShell.
  static Entry* Move(const Entry& entry, size_t size, bool ttl) {
    void* memory = std::malloc(size);
    if (memory == nullptr) throw std::bad_alloc();
    std::memcpy(memory, &entry, entry.Size(false));
    auto* moved = static_cast<Entry*>(memory);
    moved->set_ttl_flag(ttl);
    return moved;
  }

  // Frees entry and what its value owns.
  static void Free(Entry* entry) {
    entry->value().Destroy();
    FreeShell(entry);
  }
  // Frees entry alone: its value was moved, released or destroyed already.
  static void FreeShell(Entry* entry) { std::free(entry); }

  std::string_view key() const {
    const char* p = bytes() + 1 + kAccessSize;
    size_t length = header() & kLongKey;
    if (length == kLongKey) {
      uint64_t wide;
      std::memcpy(&wide, p, sizeof(wide));
      length = wide;
      p += sizeof(wide);
    }
    return {p, length};
  }

  char* value_address() {
    const std::string_view k = key();
    return const_cast<char*>(k.data()) + k.size();
  }
  Value& value() { return *reinterpret_cast<Value*>(value_address()); }
  const Value& value() const { return const_cast<Entry*>(this)->value(); }

  uint32_t access() const {
    uint32_t clock = 0;
    std::memcpy(&clock, bytes() + 1, kAccessSize);  // little-endian: the low 3 bytes
    return clock;
  }
  void set_access(uint32_t clock) { std::memcpy(bytes() + 1, &clock, kAccessSize); }

  bool has_ttl() const { return (header() & kTtlBit) != 0; }
  void set_ttl_flag(bool ttl) {
    bytes()[0] = static_cast<char>(ttl ? header() | kTtlBit : header() & ~kTtlBit);
  }
  int64_t deadline() const {
    if (!has_ttl()) return kNoExpiry;
    int64_t deadline;
    std::memcpy(&deadline, ttl_address(), sizeof(deadline));
    return deadline;
  }
  TimingWheel::Handle timer() const {
    TimingWheel::Handle timer;
    std::memcpy(&timer, ttl_address() + sizeof(int64_t), sizeof(timer));
    return timer;
  }
  // The TTL flag must be set.
  void set_ttl(int64_t deadline, TimingWheel::Handle timer) {
    std::memcpy(ttl_address(), &deadline, sizeof(deadline));
    set_timer(timer);
  }
  void set_timer(TimingWheel::Handle timer) {
    std::memcpy(ttl_address() + sizeof(int64_t), &timer, sizeof(timer));
  }

  // Bytes in use, with or without the TTL fields.
  size_t Size(bool ttl) const { return Size(key().size(), value().footprint(), ttl); }
  size_t capacity() const { return malloc_usable_size(const_cast<Entry*>(this)); }
  // Whether the entry's chunk fits `size` bytes with nothing worth giving back.
  bool Fits(size_t size) const {
    const size_t room = capacity();
    return size <= room && room - size < kChunkStep;
  }

  Entry* next = nullptr;

 private:
  static constexpr uint8_t kTtlBit = 0x80;
  static constexpr uint8_t kLongKey = 0x7f;

  static constexpr size_t kAccessSize = 3;

  static size_t HeaderSize(size_t key_size) {
    return 1 + kAccessSize + (key_size < kLongKey ? 0 : sizeof(uint64_t));
  }

  Entry() = default;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  uint8_t header() const { return static_cast<uint8_t>(bytes()[0]); }
  const char* ttl_address() const {
    const Value& v = value();
    return reinterpret_cast<const char*>(&v) + v.footprint();
  }
  char* ttl_address() { return const_cast<char*>(std::as_const(*this).ttl_address()); }
};

struct Database::EntryTraits {
  static std::string_view Key(const Entry& entry) { return entry.key(); }
  static uint64_t Hash(std::string_view key) { return base::StringHash{}(key); }
  static Entry*& Next(Entry& entry) { return entry.next; }
  static void Destroy(Entry* entry) { Entry::Free(entry); }
};

class Database::Table : public HashTable<Entry, EntryTraits> {};

Database::Database(const Clock& clock, int index, LazyFreer* freer)
    : clock_(clock),
      index_(index),
      freer_(freer),
      table_(std::make_unique<Table>()),
      timers_(std::make_unique<TimingWheel>(clock.NowMs())) {}

Database::~Database() = default;

Database::Entry* Database::Lookup(std::string_view key) {
  Entry* entry = table_->Find(key);
  if (entry != nullptr && entry->has_ttl() && entry->deadline() <= clock_.NowMs()) {
    Expire(entry);
    return nullptr;
  }
  return entry;
}

void Database::Expire(Entry* entry) {
  Notify(entry->key(), KeyEvent::kExpired);
  Delete(entry, /*lazy=*/true);
  ++expired_count_;
}

void Database::Delete(Entry* entry, bool lazy) {
  DropTimer(entry);
  table_->Unlink(entry->key());
  FreeEntry(entry, lazy);
}

void Database::FreeEntry(Entry* entry, bool lazy) {
  FreeValue(entry->value(), lazy);
  Entry::FreeShell(entry);
}

void Database::FreeValue(Value& value, bool lazy) {
  if (lazy && freer_ != nullptr && value.free_effort() > kLazyFreeThreshold) {
    freer_->Free(value.Release());
  } else {
    value.Destroy();
  }
}

void Database::AddTimer(Entry* entry, int64_t deadline_ms) {
  entry->set_ttl(deadline_ms, timers_->Insert(deadline_ms, reinterpret_cast<uintptr_t>(entry)));
  ++expires_size_;
  deadline_sum_ += deadline_ms;
}

void Database::DropTimer(Entry* entry) {
  if (!entry->has_ttl()) return;
  if (entry->timer() != TimingWheel::kNoHandle) timers_->Remove(entry->timer());
  deadline_sum_ -= entry->deadline();
  entry->set_ttl_flag(false);
  --expires_size_;
}

Database::Entry* Database::Relayout(Entry* entry, bool ttl) {
  const size_t size = entry->Size(ttl);
  if (entry->Fits(size)) {
    entry->set_ttl_flag(ttl);
    return entry;
  }
  Entry* moved = Entry::Move(*entry, size, ttl);
  table_->Replace(entry, moved);
  Entry::FreeShell(entry);
  return moved;
}

template <typename Emplace>
Value* Database::Write(std::string_view key, size_t footprint, int64_t deadline_ms,
                       Emplace emplace) {
  Entry* old = Lookup(key);
  int64_t deadline = deadline_ms;
  if (deadline == kKeepTtl) deadline = old != nullptr ? old->deadline() : kNoExpiry;
  // A deadline already past is kept like any other, as Redis 7.0 keeps it: the key exists (DBSIZE
  // counts it) until lazy or active expiry takes it and counts it in expired_keys.
  const bool ttl = deadline != kNoExpiry;
  const size_t size = Entry::Size(key.size(), footprint, ttl);
  Entry* entry;
  if (old != nullptr) DropTimer(old);
  if (old != nullptr && old->Fits(size)) {
    // Overwritten in place: the common SET of a same-sized value allocates nothing.
    FreeValue(old->value(), /*lazy=*/true);
    old->set_ttl_flag(ttl);
    old->set_access(AccessClock());
    entry = old;
  } else {
    entry = Entry::Create(key, size, ttl, AccessClock());
    if (old != nullptr) {
      table_->Replace(old, entry);
      FreeEntry(old, /*lazy=*/true);
    } else {
      table_->Insert(entry);
    }
  }
  Value* value = emplace(entry->value_address());
  if (ttl) AddTimer(entry, deadline);
  if (old == nullptr) Notify(key, KeyEvent::kCreated);
  Notify(key, KeyEvent::kWritten);
  return value;
}

Value* Database::Find(std::string_view key) {
  Entry* entry = Lookup(key);
  if (lookups_ != nullptr) ++(entry != nullptr ? lookups_->hits : lookups_->misses);
  if (entry == nullptr) return nullptr;
  entry->set_access(AccessClock());
  return &entry->value();
}

Value* Database::Peek(std::string_view key) {
  Entry* entry = Lookup(key);
  if (lookups_ != nullptr) ++(entry != nullptr ? lookups_->hits : lookups_->misses);
  return entry != nullptr ? &entry->value() : nullptr;
}

std::optional<int64_t> Database::IdleMs(std::string_view key) {
  const Entry* entry = Lookup(key);
  if (entry == nullptr) return std::nullopt;
  // The clock wraps every 2^24 s (194 days): a smaller clock than the key's wrapped once.
  const uint32_t now = AccessClock(), then = entry->access();
  const uint32_t elapsed = now >= then ? now - then : now + (kAccessClockMax + 1 - then);
  return int64_t{elapsed} * 1000;
}

std::optional<size_t> Database::MemoryUsage(std::string_view key) {
  const Entry* entry = Lookup(key);
  if (entry == nullptr) return std::nullopt;
  return entry->capacity() + sizeof(Entry*) + entry->value().heap_bytes();
}

size_t Database::IndexBytes() const { return table_->bucket_count() * sizeof(Entry*); }

uint32_t Database::AccessClock() const {
  return static_cast<uint32_t>(clock_.NowMs() / 1000) & kAccessClockMax;
}

bool Database::Contains(std::string_view key) const {
  const Entry* entry = table_->Find(key);
  return entry != nullptr && !(entry->has_ttl() && entry->deadline() <= clock_.NowMs());
}

std::pair<Value*, bool> Database::FindOrInsert(std::string_view key, ValueType type) {
  if (Entry* entry = Lookup(key)) {
    entry->set_access(AccessClock());
    return {&entry->value(), false};
  }
  Entry* entry = Entry::Create(key, Entry::Size(key.size(), Value::EmptyFootprint(type), false),
                               /*ttl=*/false, AccessClock());
  Value* value = Value::EmplaceEmpty(entry->value_address(), type);
  table_->Insert(entry);
  Notify(key, KeyEvent::kCreated);
  return {value, true};
}

Value* Database::Set(std::string_view key, std::string_view s, StringPolicy policy,
                     int64_t deadline_ms) {
  const Value::StringPlan plan = Value::PlanString(s, policy);
  return Write(key, plan.footprint(), deadline_ms,
               [&](void* at) { return Value::EmplaceString(at, s, plan); });
}

Value* Database::Set(std::string_view key, const Value& value, int64_t deadline_ms) {
  return Write(key, value.footprint(), deadline_ms,
               [&](void* at) { return Value::EmplaceCopy(at, value); });
}

Value* Database::Replace(std::string_view key, ValueType type) {
  return Write(key, Value::EmptyFootprint(type), kNoExpiry,
               [&](void* at) { return Value::EmplaceEmpty(at, type); });
}

bool Database::Erase(std::string_view key) {
  Entry* entry = Lookup(key);
  if (entry == nullptr) return false;
  Notify(key, KeyEvent::kDeleted);
  Delete(entry, /*lazy=*/false);
  return true;
}

bool Database::Unlink(std::string_view key) {
  Entry* entry = Lookup(key);
  if (entry == nullptr) return false;
  Notify(key, KeyEvent::kDeleted);
  Delete(entry, /*lazy=*/true);
  return true;
}

std::optional<int64_t> Database::GetExpiry(std::string_view key) {
  const Entry* entry = Lookup(key);
  if (entry == nullptr) return std::nullopt;
  return entry->deadline();
}

bool Database::SetExpiry(std::string_view key, int64_t deadline_ms) {
  Entry* entry = Lookup(key);
  if (entry == nullptr) return false;
  if (deadline_ms <= clock_.NowMs()) {
    Notify(key, KeyEvent::kDeleted);
    Delete(entry, /*lazy=*/false);
    return true;
  }
  if (entry->deadline() != deadline_ms) {
    const bool had_ttl = entry->has_ttl();
    DropTimer(entry);
    if (had_ttl) {
      entry->set_ttl_flag(true);
    } else {
      entry = Relayout(entry, /*ttl=*/true);
    }
    AddTimer(entry, deadline_ms);
  }
  Notify(key, KeyEvent::kWritten);
  return true;
}

bool Database::Persist(std::string_view key) {
  Entry* entry = Lookup(key);
  if (entry == nullptr || !entry->has_ttl()) return false;
  DropTimer(entry);
  Relayout(entry, /*ttl=*/false);
  Notify(key, KeyEvent::kWritten);
  return true;
}

bool Database::Rename(std::string_view from, std::string_view to) {
  if (from == to) return false;
  Entry* source = Lookup(from);
  if (source == nullptr) return false;
  if (Entry* target = Lookup(to)) Delete(target, /*lazy=*/true);
  Notify(from, KeyEvent::kDeleted);
  const int64_t deadline = source->deadline();
  const bool ttl = deadline != kNoExpiry;
  DropTimer(source);
  // The key is part of the entry, so the entry is built anew and the value moves as its bytes.
  const Value& value = source->value();
  Entry* moved =
      Entry::Create(to, Entry::Size(to.size(), value.footprint(), ttl), ttl, AccessClock());
  std::memcpy(moved->value_address(), &value, value.footprint());
  table_->Unlink(from);
  Entry::FreeShell(source);
  table_->Insert(moved);
  if (ttl) AddTimer(moved, deadline);
  Notify(to, KeyEvent::kCreated);
  Notify(to, KeyEvent::kWritten);
  return true;
}

bool Database::MoveTo(std::string_view key, Database& target) {
  Entry* entry = Lookup(key);
  if (entry == nullptr || target.Lookup(key) != nullptr) return false;
  const int64_t deadline = entry->deadline();
  entry->set_access(AccessClock());
  DropTimer(entry);
  Notify(key, KeyEvent::kDeleted);
  table_->Unlink(key);
  // The entry itself moves: it keeps its room for the deadline, now written in target's timers.
  target.table_->Insert(entry);
  if (deadline != kNoExpiry) {
    entry->set_ttl_flag(true);
    target.AddTimer(entry, deadline);
  }
  target.Notify(key, KeyEvent::kCreated);
  target.Notify(key, KeyEvent::kWritten);
  return true;
}

size_t Database::size() const { return table_->size(); }

int64_t Database::AverageTtlMs() const {
  if (expires_size_ == 0) return 0;
  const int64_t average_deadline = static_cast<int64_t>(deadline_sum_ / expires_size_);
  return std::max<int64_t>(average_deadline - clock_.NowMs(), 0);
}

void Database::Clear(bool async) {
  if (observer_ != nullptr) observer_->OnFlush(index_);
  timers_->Clear();
  expires_size_ = 0;
  deadline_sum_ = 0;
  if (async && freer_ != nullptr && table_->size() > kLazyFreeThreshold) {
    std::unique_ptr<Table> old = std::exchange(table_, std::make_unique<Table>());
    freer_->Free([table = old.release()] { delete table; });
  } else {
    const bool large = table_->size() > kTrimAfterKeys;
    table_->Clear();
    // glibc keeps freed small chunks for reuse rather than returning them; after a large flush
    // (which blocks for O(N) anyway, as in Redis) give them back, as Redis's allocator would.
    if (large) malloc_trim(0);
  }
}

void Database::ForEach(const std::function<void(std::string_view key, const Value& value)>& fn) {
  const int64_t now_ms = clock_.NowMs();
  table_->ForEach([&](const Entry& entry) {
    if (entry.deadline() == kNoExpiry || entry.deadline() > now_ms) fn(entry.key(), entry.value());
  });
}

uint64_t Database::Scan(uint64_t cursor, size_t count,
                        const std::function<void(std::string_view key, const Value& value)>& fn) {
  const int64_t now_ms = clock_.NowMs();
  return table_->Scan(cursor, count, [&](const Entry& entry) {
    if (entry.deadline() == kNoExpiry || entry.deadline() > now_ms) fn(entry.key(), entry.value());
  });
}

std::optional<std::string> Database::RandomKey() {
  const int64_t now_ms = clock_.NowMs();
  // Each round returns a live key or reclaims an expired one, so it ends.
  while (Entry* entry = table_->Random(ContainerRng())) {
    if (entry->deadline() == kNoExpiry || entry->deadline() > now_ms) {
      return std::string(entry->key());
    }
    Expire(entry);
  }
  return std::nullopt;
}

size_t Database::ExpireDue(size_t budget) {
  return timers_->Advance(clock_.NowMs(), budget, [this](uint64_t payload) {
    auto* entry = reinterpret_cast<Entry*>(payload);
    entry->set_timer(TimingWheel::kNoHandle);  // the wheel has already dropped it
    Expire(entry);
  });
}

Keyspace::Keyspace(const Clock& clock, int num_databases)
    : clock_(clock), freer_(std::make_unique<LazyFreer>()) {
  databases_.reserve(num_databases);
  for (int i = 0; i < num_databases; ++i) {
    databases_.push_back(std::make_unique<Database>(clock, i, freer_.get()));
    databases_.back()->lookups_ = &lookups_;
  }
}

Keyspace::~Keyspace() = default;

void Keyspace::set_observer(KeyObserver* observer) {
  for (auto& db : databases_) db->set_observer(observer);
}

void Keyspace::FlushAll(bool async) {
  for (auto& db : databases_) db->Clear(async);
}

void Keyspace::SwapDatabases(int a, int b) {
  std::swap(databases_[a], databases_[b]);
  databases_[a]->index_ = a;
  databases_[b]->index_ = b;
}

size_t Keyspace::ExpireDue(size_t budget) {
  const size_t n = databases_.size();
  if (n == 0 || budget == 0) return 0;
  // A fair share each first, so one busy database cannot starve the rest; then what is left goes
  // to those still behind, starting at a rotating database.
  const size_t share = std::max<size_t>(budget / n, 1);
  size_t deleted = 0;
  for (size_t i = 0; i < n && deleted < budget; ++i) {
    deleted += databases_[(next_db_ + i) % n]->ExpireDue(std::min(share, budget - deleted));
  }
  for (size_t i = 0; i < n && deleted < budget; ++i) {
    deleted += databases_[(next_db_ + i) % n]->ExpireDue(budget - deleted);
  }
  next_db_ = (next_db_ + 1) % n;
  return deleted;
}

}  // namespace understudy::store
