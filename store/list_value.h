#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/functional/function_ref.h"
#include "store/listpack.h"

namespace understudy::store {

// A list value: a doubly linked chain of listpack nodes, like Redis 7.0's quicklist, so pushes
// and pops at either end are O(1) and the elements sit packed in a few large buffers.
//
// `fill` is Redis's list-max-listpack-size: a positive number caps a node's entries (and, as in
// Redis, its bytes at 8 KB), -1..-5 cap its bytes at 4, 8, 16, 32 or 64 KB. An element too large
// for the limit gets a node of its own. Inserts and deletes in the middle split a node that would
// overflow and merge neighbours that fit together again, so nodes stay large.
//
// Indexes are 0-based; negative ones count from the tail as in Redis.
class ListValue {
 public:
  explicit ListValue(int fill = -2);
  ListValue(const ListValue& other);
  ListValue& operator=(const ListValue& other);
  ListValue(ListValue&& other) noexcept;
  ListValue& operator=(ListValue&& other) noexcept;
  ~ListValue();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t node_count() const { return node_count_; }
  // Approximate memory owned (this object, the nodes and their buffers), for MEMORY USAGE.
  size_t bytes() const;

  void PushFront(std::string_view v);
  void PushBack(std::string_view v);
  std::optional<std::string> PopFront();
  std::optional<std::string> PopBack();

  std::optional<std::string> Index(int64_t index) const;  // LINDEX
  bool Set(int64_t index, std::string_view v);            // LSET; false if out of range
  // LINSERT at the first `pivot` from the head; false if there is none.
  bool Insert(std::string_view pivot, std::string_view v, bool after);
  // LREM: count > 0 removes that many from the head, < 0 from the tail, 0 all; returns how many.
  size_t Remove(std::string_view v, int64_t count);
  // LTRIM with already-normalised inclusive bounds; start > stop (or start past the end) empties.
  void Trim(size_t start, size_t stop);
  // Calls fn(value) for elements start..stop inclusive (normalised, in range), head to tail.
  void ForRange(size_t start, size_t stop, absl::FunctionRef<void(std::string_view)> fn) const;
  // Walks from the head (or the tail when reverse) calling fn(index, value) until it returns
  // false; LPOS.
  void Walk(bool reverse, absl::FunctionRef<bool(size_t index, std::string_view value)> fn) const;

  int fill() const { return fill_; }
  // Governs the nodes filled from now on; existing nodes are not reshaped. Clamped to Redis's
  // range, -5..32767.
  void set_fill(int fill);
  void Clear();

  // For tests: calls fn(entries, encoded bytes) for each node, head to tail.
  void ForEachNode(absl::FunctionRef<void(size_t entries, size_t bytes)> fn) const;

 private:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    Listpack lp;
  };

  // Whether a node of `entries` entries and `bytes` encoded bytes is within the fill limit.
  bool Fits(size_t entries, size_t bytes) const;
  bool FitsOneMore(const Node* n, std::string_view v) const;
  Node* NewNodeAfter(Node* at);  // at == nullptr: new head
  void DeleteNode(Node* n);
  // Moves b's entries to the end of its predecessor a when the result fits; deletes b.
  bool Merge(Node* a, Node* b);
  // Merges neighbouring nodes that fit together, from `first` up to the pair that ends in
  // `stop` (stop == nullptr: to the tail).
  void Compact(Node* first, Node* stop);
  // The node holding element `index` (in range) and the element's position in it.
  std::pair<Node*, size_t> Locate(size_t index) const;
  // Inserts v into n before position `pos` of its listpack (kEnd: after its last entry),
  // splitting n or spilling into a neighbour when n is full.
  void InsertAt(Node* n, size_t pos, std::string_view v);
  std::string TakeFrom(Node* n, size_t pos);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t size_ = 0;
  size_t node_count_ = 0;
  int fill_;
};

}  // namespace understudy::store
