#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "resp/base/strings.h"

namespace understudy::store {

// Chained hash table of intrusive nodes with a SCAN cursor that holds across resizes, fair
// random sampling, and incremental rehashing.
//
// Bucket counts are powers of two, indexed by the low bits of the hash, so growing splits
// bucket b into b and b + old_count and shrinking merges them back. A cursor that walks bucket
// indices with their bits reversed (the highest bit changes first) has therefore already covered,
// or will still cover, every bucket an element can move to: SCAN returns every element present
// for a whole iteration at least once (see Database::Table in database.cc).
//
// Resizing is incremental, as in Redis: a resize allocates the second bucket array and every
// later Insert/Unlink moves one bucket of the old array (or skips up to ten empty ones) until it
// is drained, so no single operation pays for rehashing the whole table. Meanwhile lookups try
// both arrays, inserts go to the new one, and Scan visits the matching buckets of both.
//
// Traits, all static:
//   std::string_view Key(const Node&);  the node's key
//   uint64_t Hash(std::string_view key);
//   Node*& Next(Node&);                  the chain link inside the node
//   void Destroy(Node*);                 frees a node the table erases or clears; does nothing
//                                        when the caller owns its nodes
//   uint64_t NodeHash(const Node&);      optional: a hash cached in the node, compared before the
//                                        key and used instead of rehashing keys on resize
//
// Not thread safe. Scan and ForEach callbacks must not modify the table.
template <typename Node, typename Traits>
class HashTable {
 public:
  static constexpr size_t kMinBuckets = 4;

  HashTable() = default;
  ~HashTable() { DestroyAll(); }
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  size_t size() const { return t_[0].used + t_[1].used; }
  bool empty() const { return size() == 0; }
  // Buckets allocated, both arrays while rehashing (for memory accounting).
  size_t bucket_count() const { return t_[0].count() + t_[1].count(); }
  bool rehashing() const { return t_[1].slots != nullptr; }

  Node* Find(std::string_view key) const { return Find(key, Traits::Hash(key)); }
  Node* Find(std::string_view key, uint64_t hash) const {
    for (const Buckets& t : t_) {
      if (t.slots == nullptr) continue;
      for (Node* n = t.slots[hash & t.mask]; n != nullptr; n = Traits::Next(*n)) {
        if (Matches(*n, key, hash)) return n;
      }
    }
    return nullptr;
  }

  // Links node, whose key must not be in the table yet.
  void Insert(Node* node) {
    Step();
    if (t_[0].slots == nullptr) t_[0].Allocate(kMinBuckets);
    Push(rehashing() ? t_[1] : t_[0], node, NodeHash(*node));
    if (!rehashing() && size() > t_[0].count()) Grow();
  }

  // Unlinks the node with key and hands it back (the table no longer knows it), or nullptr.
  Node* Unlink(std::string_view key) { return Unlink(key, Traits::Hash(key)); }
  Node* Unlink(std::string_view key, uint64_t hash) {
    Step();
    for (Buckets& t : t_) {
      if (t.slots == nullptr) continue;
      for (Node** link = &t.slots[hash & t.mask]; *link != nullptr; link = &Traits::Next(**link)) {
        Node* node = *link;
        if (!Matches(*node, key, hash)) continue;
        *link = Traits::Next(*node);
        --t.used;
        if (!rehashing() && ShouldShrink()) Shrink();
        return node;
      }
    }
    return nullptr;
  }

  // Unlinks and destroys the node with key; false if there is none.
  bool Erase(std::string_view key) {
    Node* node = Unlink(key);
    if (node == nullptr) return false;
    Traits::Destroy(node);
    return true;
  }

  // Puts fresh in old's place in its chain; both have the same key. old is not destroyed.
  void Replace(Node* old, Node* fresh) {
    const uint64_t hash = NodeHash(*old);
    for (Buckets& t : t_) {
      if (t.slots == nullptr) continue;
      for (Node** link = &t.slots[hash & t.mask]; *link != nullptr; link = &Traits::Next(**link)) {
        if (*link != old) continue;
        Traits::Next(*fresh) = Traits::Next(*old);
        *link = fresh;
        return;
      }
    }
  }

  // Sizes an empty table for `count` elements, so that inserting them does not grow it (a small
  // encoding converting, its size known). Does nothing to a table that has elements.
  void Reserve(size_t count) {
    if (!empty() || (!rehashing() && count <= t_[0].count())) return;
    t_[0] = Buckets{};
    t_[1] = Buckets{};  // an emptied table may still be mid-rehash
    rehash_index_ = 0;
    t_[0].Allocate(std::bit_ceil(std::max(count, kMinBuckets)));
  }

  // Destroys every node and frees the buckets.
  void Clear() {
    DestroyAll();
    t_[0] = Buckets{};
    t_[1] = Buckets{};
    rehash_index_ = 0;
  }

  // Moves up to `buckets` non-empty buckets to the new array, for callers with idle time.
  // Returns whether a rehash is still in progress.
  bool RehashStep(size_t buckets) {
    if (!rehashing()) return false;
    size_t empty_visits = buckets * 10;
    while (buckets > 0 && t_[0].used > 0) {
      Node*& head = t_[0].slots[rehash_index_];
      ++rehash_index_;
      if (head == nullptr) {
        if (--empty_visits == 0) break;
        continue;
      }
      for (Node* n = std::exchange(head, nullptr); n != nullptr;) {
        Node* next = Traits::Next(*n);
        --t_[0].used;
        Push(t_[1], n, NodeHash(*n));
        n = next;
      }
      --buckets;
    }
    if (t_[0].used == 0) FinishRehash();
    return rehashing();
  }

  // Calls fn(const Node&) for every node, in no particular order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Buckets& t : t_) {
      for (size_t i = 0; i < t.count(); ++i) VisitChain(t.slots[i], fn);
    }
  }

  // Cursor iteration: starting at `cursor` (0 to begin), visits buckets until about `count`
  // nodes were passed to fn(const Node&) or 10 * count buckets were visited, and returns the
  // next cursor (0 when done). Nodes present for a whole iteration are returned at least once,
  // some possibly more than once.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (empty()) return 0;
    const size_t max_buckets = std::clamp<size_t>(count, 1, SIZE_MAX / 10) * 10;
    size_t found = 0;
    size_t visited = 0;
    do {
      if (!rehashing()) {
        found += VisitChain(t_[0].slots[cursor & t_[0].mask], fn);
        cursor = NextCursor(cursor, t_[0].mask);
        continue;
      }
      // Visit the small array's bucket and every bucket of the large array that splits from it,
      // then advance the cursor in the small array's order: elements not yet moved and those
      // already moved are both covered.
      const Buckets* small = &t_[0];
      const Buckets* large = &t_[1];
      if (small->mask > large->mask) std::swap(small, large);
      const uint64_t index = cursor & small->mask;
      found += VisitChain(small->slots[index], fn);
      for (uint64_t j = index; j <= large->mask; j += small->mask + 1) {
        found += VisitChain(large->slots[j], fn);
      }
      cursor = NextCursor(cursor, small->mask);
    } while (cursor != 0 && found < count && ++visited < max_buckets);
    return cursor;
  }

  // A node chosen uniformly at random, or nullptr if the table is empty. Picks a random live
  // bucket and a random position below an upper bound of every chain's length, retrying when
  // the position is past the chain's end: each node has the same chance per try, unlike picking
  // a bucket then a node in it (which favours nodes in short chains). Expected tries are
  // buckets * bound / size, small since the load stays above 1/8.
  template <typename Rng>
  Node* Random(Rng& rng) const {
    if (empty()) return nullptr;
    const size_t live_old = t_[0].count() - rehash_index_;  // drained buckets are skipped
    std::uniform_int_distribution<size_t> bucket(0, live_old + t_[1].count() - 1);
    std::uniform_int_distribution<size_t> position(0,
                                                   std::max(t_[0].max_chain, t_[1].max_chain) - 1);
    for (;;) {
      const size_t b = bucket(rng);
      Node* n = b < live_old ? t_[0].slots[rehash_index_ + b] : t_[1].slots[b - live_old];
      for (size_t skip = position(rng); n != nullptr && skip > 0; --skip) n = Traits::Next(*n);
      if (n != nullptr) return n;
    }
  }

 private:
  struct Buckets {
    // calloc rather than new[](): a large array comes as fresh zero pages, touched only as the
    // rehash fills them, where zeroing it up front (32 MB for 4M buckets) stalls the insert
    // that starts the resize.
    void Allocate(size_t count) {
      slots.reset(static_cast<Node**>(std::calloc(count, sizeof(Node*))));
      if (slots == nullptr) throw std::bad_alloc();
      mask = count - 1;
    }
    size_t count() const { return slots != nullptr ? mask + 1 : 0; }

    struct Free {
      void operator()(Node** p) const { std::free(p); }
    };
    std::unique_ptr<Node*[], Free> slots;
    uint64_t mask = 0;
    size_t used = 0;
    // At least the longest chain ever built here (chains only shrink otherwise): the bound
    // Random needs to be fair.
    size_t max_chain = 0;
  };

  static uint64_t NodeHash(const Node& node) {
    if constexpr (requires { Traits::NodeHash(node); }) {
      return Traits::NodeHash(node);
    } else {
      return Traits::Hash(Traits::Key(node));
    }
  }

  static bool Matches(const Node& node, std::string_view key, uint64_t hash) {
    if constexpr (requires { Traits::NodeHash(node); }) {
      if (Traits::NodeHash(node) != hash) return false;
    }
    return Traits::Key(node) == key;
  }

  template <typename Fn>
  static size_t VisitChain(Node* n, Fn& fn) {
    size_t visited = 0;
    for (; n != nullptr; n = Traits::Next(*n), ++visited) fn(std::as_const(*n));
    return visited;
  }

  static uint64_t ReverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1);
    v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4);
    return __builtin_bswap64(v);
  }

  // The bucket after `cursor` in reverse-binary order: increments the index from its highest
  // bit down. Bits above the mask are set first so the carry runs off the top once every bucket
  // was visited, making the cursor 0.
  static uint64_t NextCursor(uint64_t cursor, uint64_t mask) {
    return ReverseBits(ReverseBits(cursor | ~mask) + 1);
  }

  static void Push(Buckets& t, Node* node, uint64_t hash) {
    Node*& head = t.slots[hash & t.mask];
    Traits::Next(*node) = head;
    head = node;
    ++t.used;
    size_t length = 0;
    for (Node* n = node; n != nullptr; n = Traits::Next(*n)) ++length;
    t.max_chain = std::max(t.max_chain, length);
  }

  void Step() {
    if (rehashing()) RehashStep(1);
  }

  void StartRehash(size_t count) {
    t_[1].Allocate(count);
    rehash_index_ = 0;
    if (t_[0].used == 0) FinishRehash();
  }

  void FinishRehash() {
    t_[0] = std::move(t_[1]);
    t_[1] = Buckets{};
    rehash_index_ = 0;
    // Elements came and went while it ran: the new size may already be wrong.
    ResizeIfNeeded();
  }

  // The table grows past a load of 1 and shrinks below 1/8, to the power of two that holds its
  // elements; never while a rehash runs. Inserts only grow it and unlinks only shrink it, so
  // inserting into a Reserve()d table keeps its buckets.
  void ResizeIfNeeded() {
    if (size() > t_[0].count()) {
      Grow();
    } else if (ShouldShrink()) {
      Shrink();
    }
  }
  bool ShouldShrink() const { return t_[0].count() > kMinBuckets && size() * 8 < t_[0].count(); }
  void Grow() { StartRehash(std::bit_ceil(size() + 1)); }
  void Shrink() { StartRehash(std::bit_ceil(std::max(size(), kMinBuckets))); }

  void DestroyAll() {
    for (Buckets& t : t_) {
      for (size_t i = 0; i < t.count(); ++i) {
        for (Node* n = t.slots[i]; n != nullptr;)
          Traits::Destroy(std::exchange(n, Traits::Next(*n)));
      }
    }
  }

  // t_[0] holds the elements; while rehashing, t_[1] is the array they move to and buckets of
  // t_[0] below rehash_index_ are already empty.
  Buckets t_[2];
  size_t rehash_index_ = 0;
};

// The generator behind every container's random picks: one per thread, seeded at random.
inline std::mt19937_64& ContainerRng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

// `count` distinct indexes below n (count <= n), every subset equally likely, in random order:
// how the small encodings pick distinct random members.
inline std::vector<size_t> DistinctIndexes(size_t n, size_t count, std::mt19937_64& rng) {
  std::vector<size_t> picked;
  if (count * 3 > n) {
    // Most of them: shuffle the first `count` places of all indexes.
    picked.resize(n);
    for (size_t i = 0; i < n; ++i) picked[i] = i;
    for (size_t i = 0; i < count; ++i) {
      std::swap(picked[i], picked[std::uniform_int_distribution<size_t>(i, n - 1)(rng)]);
    }
    picked.resize(count);
    return picked;
  }
  // Few of them: draw until `count` different ones came up.
  absl::flat_hash_set<size_t> seen;
  std::uniform_int_distribution<size_t> index(0, n - 1);
  while (picked.size() < count) {
    const size_t i = index(rng);
    if (seen.insert(i).second) picked.push_back(i);
  }
  return picked;
}

// Compact elements for HashTable: one allocation holding the chain link and the bytes, each
// string after a length prefix (one byte below 255, else 255 and eight bytes).
namespace packed {

inline size_t PrefixSize(size_t length) { return length < 255 ? 1 : 1 + sizeof(uint64_t); }

inline char* PutString(char* p, std::string_view s) {
  if (s.size() < 255) {
    *p++ = static_cast<char>(s.size());
  } else {
    *p++ = static_cast<char>(255);
    const uint64_t length = s.size();
    std::memcpy(p, &length, sizeof(length));
    p += sizeof(length);
  }
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Out of line: it is rare, and inlined where a short string was just written GCC 12 flags the
// 8-byte read it cannot reach (a -Warray-bounds false positive).
[[gnu::noinline]] inline size_t GetWideLength(const char* p) {
  uint64_t length;
  std::memcpy(&length, p, sizeof(length));
  return length;
}

// The string at p; *end is set past it.
inline std::string_view GetString(const char* p, const char** end) {
  size_t length = static_cast<uint8_t>(*p++);
  if (length == 255) {
    length = GetWideLength(p);
    p += sizeof(uint64_t);
  }
  *end = p + length;
  return {p, length};
}

}  // namespace packed

// A set member: link and member bytes in one allocation.
class KeyNode {
 public:
  static KeyNode* Create(std::string_view key) {
    void* memory = ::operator new(AllocSize(key.size()));
    auto* node = new (memory) KeyNode;
    packed::PutString(node->bytes(), key);
    return node;
  }
  static void Free(KeyNode* node) { ::operator delete(node); }
  static size_t AllocSize(size_t key_size) {
    return sizeof(KeyNode) + packed::PrefixSize(key_size) + key_size;
  }

  std::string_view key() const {
    const char* end;
    return packed::GetString(bytes(), &end);
  }

  KeyNode* next = nullptr;

 private:
  KeyNode() = default;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
};

struct KeyNodeTraits {
  static std::string_view Key(const KeyNode& node) { return node.key(); }
  static uint64_t Hash(std::string_view key) { return base::StringHash{}(key); }
  static KeyNode*& Next(KeyNode& node) { return node.next; }
  static void Destroy(KeyNode* node) { KeyNode::Free(node); }
};

// A hash field and its value: link, field and value in one allocation.
class KeyValueNode {
 public:
  static KeyValueNode* Create(std::string_view key, std::string_view value) {
    void* memory = ::operator new(AllocSize(key.size(), value.size()));
    auto* node = new (memory) KeyValueNode;
    packed::PutString(packed::PutString(node->bytes(), key), value);
    return node;
  }
  static void Free(KeyValueNode* node) { ::operator delete(node); }
  static size_t AllocSize(size_t key_size, size_t value_size) {
    return sizeof(KeyValueNode) + packed::PrefixSize(key_size) + key_size +
           packed::PrefixSize(value_size) + value_size;
  }

  std::string_view key() const {
    const char* end;
    return packed::GetString(bytes(), &end);
  }
  std::string_view value() const {
    const char* value_start;
    packed::GetString(bytes(), &value_start);
    const char* end;
    return packed::GetString(value_start, &end);
  }
  // Overwrites the value in place; `value` must have the current value's size.
  void OverwriteValue(std::string_view value) {
    std::memcpy(const_cast<char*>(this->value().data()), value.data(), value.size());
  }

  KeyValueNode* next = nullptr;

 private:
  KeyValueNode() = default;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
};

struct KeyValueNodeTraits {
  static std::string_view Key(const KeyValueNode& node) { return node.key(); }
  static uint64_t Hash(std::string_view key) { return base::StringHash{}(key); }
  static KeyValueNode*& Next(KeyValueNode& node) { return node.next; }
  static void Destroy(KeyValueNode* node) { KeyValueNode::Free(node); }
};

}  // namespace understudy::store
