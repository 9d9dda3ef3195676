#include "store/database.h"

#include <algorithm>
#include <bit>
#include <random>
#include <utility>

#include "store/timing_wheel.h"

namespace understudy::store {

// A key with its value. Entries are allocated one by one and never move, so Value pointers handed
// out stay valid while other keys come and go, and a timer names its entry by address.
struct Database::Entry {
  template <typename... Args>
  Entry(std::string_view k, uint64_t h, Args&&... args)
      : hash(h), key(k), value(std::forward<Args>(args)...) {}

  bool ExpiredAt(int64_t now_ms) const { return deadline != kNoExpiry && deadline <= now_ms; }

  // What a lookup reads comes first, to share a cache line with the key's inline bytes.
  Entry* next = nullptr;  // bucket chain
  uint64_t hash;
  int64_t deadline = kNoExpiry;
  TimingWheel::Handle timer = TimingWheel::kNoHandle;
  std::string key;
  Value value;
};

// Chained hash table with a power-of-two number of buckets, indexed by the low bits of the hash.
//
// Why not absl's tables: SCAN must return every key present throughout an iteration, however the
// table resizes in between. Here growing splits bucket b into b and b + old_count, and shrinking
// merges them back, so a cursor that walks bucket indices with their bits reversed (the highest
// bit changes first) has already covered, or will still cover, every bucket a key can move to.
// Open addressing moves keys between unrelated slots and cannot promise that. A slot vector with
// the slot as cursor keeps the guarantee only while keys never move, so after a mass deletion its
// holes would slow SCAN and RandomKey forever. Chaining also lets RandomKey sample a random
// bucket: shrinking once the load falls below 1/8 bounds the tries.
//
// The table resizes all at once, as absl's do (but relinking, never rehashing a key).
class Database::Table {
 public:
  static constexpr size_t kMinBuckets = 4;

  Table() : rng_(std::random_device{}()) { Reset(); }
  ~Table() { DeleteAll(); }

  static uint64_t Hash(std::string_view key) { return StringHash{}(key); }

  size_t size() const { return size_; }
  uint64_t mask() const { return mask_; }
  const Entry* bucket(uint64_t index) const { return buckets_[index]; }

  Entry* Find(std::string_view key, uint64_t hash) const {
    for (Entry* e = buckets_[hash & mask_]; e != nullptr; e = e->next) {
      if (e->hash == hash && e->key == key) return e;
    }
    return nullptr;
  }

  // Adds an entry for a key that is not in the table; args construct its value.
  template <typename... Args>
  Entry* Insert(std::string_view key, uint64_t hash, Args&&... args) {
    if (size_ > mask_) Resize((mask_ + 1) * 2);
    auto* entry = new Entry(key, hash, std::forward<Args>(args)...);
    Link(entry);
    ++size_;
    return entry;
  }

  // Unlinks and frees entry; its timer must be gone already.
  void Delete(Entry* entry) {
    Unlink(entry);
    delete entry;
    --size_;
    if (mask_ + 1 > kMinBuckets && size_ * 8 < mask_ + 1) {
      Resize(std::bit_ceil(std::max(size_, kMinBuckets)));
    }
  }

  // Gives entry another key, keeping the entry itself (and so its timer).
  void Rekey(Entry* entry, std::string_view key, uint64_t hash) {
    Unlink(entry);
    entry->key.assign(key);
    entry->hash = hash;
    Link(entry);
  }

  // A random entry, or nullptr if the table is empty. Not uniform over keys (a key in a long
  // chain is less likely), like Redis's.
  Entry* RandomEntry() {
    if (size_ == 0) return nullptr;
    Entry* head;
    do {
      head = buckets_[rng_() & mask_];
    } while (head == nullptr);
    size_t length = 0;
    for (Entry* e = head; e != nullptr; e = e->next) ++length;
    Entry* pick = head;
    for (size_t i = rng_() % length; i > 0; --i) pick = pick->next;
    return pick;
  }

  void Clear() {
    DeleteAll();
    Reset();
  }

 private:
  void Link(Entry* entry) {
    Entry*& head = buckets_[entry->hash & mask_];
    entry->next = head;
    head = entry;
  }

  void Unlink(Entry* entry) {
    Entry** link = &buckets_[entry->hash & mask_];
    while (*link != entry) link = &(*link)->next;
    *link = entry->next;
  }

  void Resize(size_t count) {
    auto buckets = std::make_unique<Entry*[]>(count);
    const uint64_t mask = count - 1;
    for (uint64_t i = 0; i <= mask_; ++i) {
      for (Entry* e = buckets_[i]; e != nullptr;) {
        Entry* next = e->next;
        Entry*& head = buckets[e->hash & mask];
        e->next = head;
        head = e;
        e = next;
      }
    }
    buckets_ = std::move(buckets);
    mask_ = mask;
  }

  void DeleteAll() {
    for (uint64_t i = 0; i <= mask_; ++i) {
      for (Entry* e = buckets_[i]; e != nullptr;) delete std::exchange(e, e->next);
    }
  }

  void Reset() {
    buckets_ = std::make_unique<Entry*[]>(kMinBuckets);
    mask_ = kMinBuckets - 1;
    size_ = 0;
  }

  std::unique_ptr<Entry*[]> buckets_;
  uint64_t mask_ = 0;
  size_t size_ = 0;
  std::mt19937_64 rng_;
};

namespace {

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
  v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4);
  return __builtin_bswap64(v);
}

// The bucket after `cursor` in reverse-binary order: increments the index from its highest bit
// down. Bits above the mask are set first so the carry runs off the top once every bucket was
// visited, making the cursor 0.
uint64_t NextCursor(uint64_t cursor, uint64_t mask) {
  return ReverseBits(ReverseBits(cursor | ~mask) + 1);
}

}  // namespace

Database::Database(const Clock& clock, int index)
    : clock_(clock),
      index_(index),
      table_(std::make_unique<Table>()),
      timers_(std::make_unique<TimingWheel>(clock.NowMs())) {}

Database::~Database() = default;

Database::Entry* Database::Lookup(std::string_view key, uint64_t hash) {
  Entry* entry = table_->Find(key, hash);
  if (entry != nullptr && entry->ExpiredAt(clock_.NowMs())) {
    Expire(entry);
    return nullptr;
  }
  return entry;
}

void Database::Expire(Entry* entry) {
  Notify(entry->key, KeyEvent::kExpired);
  Delete(entry);
  ++expired_count_;
}

void Database::Delete(Entry* entry) {
  if (entry->timer != TimingWheel::kNoHandle) {
    timers_->Remove(entry->timer);
    --expires_size_;
  }
  table_->Delete(entry);
}

void Database::SetDeadline(Entry* entry, int64_t deadline_ms) {
  if (entry->deadline == deadline_ms) return;
  if (entry->timer != TimingWheel::kNoHandle) {
    timers_->Remove(entry->timer);
    entry->timer = TimingWheel::kNoHandle;
    --expires_size_;
  }
  entry->deadline = deadline_ms;
  if (deadline_ms != kNoExpiry) {
    entry->timer = timers_->Insert(deadline_ms, reinterpret_cast<uintptr_t>(entry));
    ++expires_size_;
  }
}

Value* Database::Find(std::string_view key) {
  Entry* entry = Lookup(key, Table::Hash(key));
  return entry != nullptr ? &entry->value : nullptr;
}

bool Database::Contains(std::string_view key) const {
  const Entry* entry = table_->Find(key, Table::Hash(key));
  return entry != nullptr && !entry->ExpiredAt(clock_.NowMs());
}

std::pair<Value*, bool> Database::FindOrInsert(std::string_view key, ValueType type) {
  const uint64_t hash = Table::Hash(key);
  if (Entry* entry = Lookup(key, hash)) return {&entry->value, false};
  return {&table_->Insert(key, hash, type)->value, true};
}

Value& Database::Set(std::string_view key, Value value, bool keep_ttl) {
  const uint64_t hash = Table::Hash(key);
  Entry* entry = Lookup(key, hash);
  if (entry != nullptr) {
    entry->value = std::move(value);
    if (!keep_ttl) SetDeadline(entry, kNoExpiry);
  } else {
    entry = table_->Insert(key, hash, std::move(value));
  }
  Notify(key, KeyEvent::kWritten);
  return entry->value;
}

bool Database::Erase(std::string_view key) {
  Entry* entry = Lookup(key, Table::Hash(key));
  if (entry == nullptr) return false;
  Notify(key, KeyEvent::kDeleted);
  Delete(entry);
  return true;
}

std::optional<int64_t> Database::GetExpiry(std::string_view key) {
  const Entry* entry = Lookup(key, Table::Hash(key));
  if (entry == nullptr) return std::nullopt;
  return entry->deadline;
}

bool Database::SetExpiry(std::string_view key, int64_t deadline_ms) {
  Entry* entry = Lookup(key, Table::Hash(key));
  if (entry == nullptr) return false;
  if (deadline_ms <= clock_.NowMs()) {
    Notify(key, KeyEvent::kDeleted);
    Delete(entry);
  } else {
    SetDeadline(entry, deadline_ms);
    Notify(key, KeyEvent::kWritten);
  }
  return true;
}

bool Database::Persist(std::string_view key) {
  Entry* entry = Lookup(key, Table::Hash(key));
  if (entry == nullptr || entry->deadline == kNoExpiry) return false;
  SetDeadline(entry, kNoExpiry);
  Notify(key, KeyEvent::kWritten);
  return true;
}

bool Database::Rename(std::string_view from, std::string_view to) {
  if (from == to) return false;
  Entry* source = Lookup(from, Table::Hash(from));
  if (source == nullptr) return false;
  const uint64_t to_hash = Table::Hash(to);
  if (Entry* target = Lookup(to, to_hash)) Delete(target);
  Notify(from, KeyEvent::kDeleted);
  table_->Rekey(source, to, to_hash);
  Notify(to, KeyEvent::kWritten);
  return true;
}

size_t Database::size() const { return table_->size(); }

size_t Database::expires_size() const { return expires_size_; }

void Database::Clear() {
  if (observer_ != nullptr) observer_->OnFlush(index_);
  timers_->Clear();
  table_->Clear();
  expires_size_ = 0;
}

void Database::ForEach(const std::function<void(std::string_view key, const Value& value)>& fn) {
  const int64_t now_ms = clock_.NowMs();
  for (uint64_t i = 0; i <= table_->mask(); ++i) {
    for (const Entry* e = table_->bucket(i); e != nullptr; e = e->next) {
      if (!e->ExpiredAt(now_ms)) fn(e->key, e->value);
    }
  }
}

uint64_t Database::Scan(uint64_t cursor, size_t count,
                        const std::function<void(std::string_view key, const Value& value)>& fn) {
  const int64_t now_ms = clock_.NowMs();
  const uint64_t mask = table_->mask();
  const size_t max_buckets = std::clamp<size_t>(count, 1, SIZE_MAX / 10) * 10;
  size_t found = 0;
  size_t visited = 0;
  do {
    for (const Entry* e = table_->bucket(cursor & mask); e != nullptr; e = e->next) {
      if (e->ExpiredAt(now_ms)) continue;
      fn(e->key, e->value);
      ++found;
    }
    cursor = NextCursor(cursor, mask);
  } while (cursor != 0 && found < count && ++visited < max_buckets);
  return cursor;
}

std::optional<std::string> Database::RandomKey() {
  const int64_t now_ms = clock_.NowMs();
  // Each round returns a live key or reclaims an expired one, so it ends.
  while (Entry* entry = table_->RandomEntry()) {
    if (!entry->ExpiredAt(now_ms)) return entry->key;
    Expire(entry);
  }
  return std::nullopt;
}

size_t Database::ExpireDue(size_t budget) {
  return timers_->Advance(clock_.NowMs(), budget, [this](uint64_t payload) {
    auto* entry = reinterpret_cast<Entry*>(payload);
    entry->timer = TimingWheel::kNoHandle;  // the wheel has already dropped it
    --expires_size_;
    Expire(entry);
  });
}

Keyspace::Keyspace(const Clock& clock, int num_databases) : clock_(clock) {
  databases_.reserve(num_databases);
  for (int i = 0; i < num_databases; ++i) {
    databases_.push_back(std::make_unique<Database>(clock, i));
  }
}

void Keyspace::set_observer(KeyObserver* observer) {
  for (auto& db : databases_) db->set_observer(observer);
}

void Keyspace::FlushAll() {
  for (auto& db : databases_) db->Clear();
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
