#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"

namespace understudy::store {

// Hierarchical timing wheel with 1 ms ticks: level k has 64 slots of 64^k ms each, and 11 levels
// cover every non-negative int64 deadline, so nothing ever overflows the top level.
//
// An entry lives at the level of the highest 6-bit digit in which its deadline differs from the
// wheel's current time, in the slot named by that digit. When time reaches a slot of a higher
// level, its entries cascade down; a level-0 slot that time reaches is due. A 64-bit occupancy
// bitmap per level finds the next non-empty slot with one countr_zero, so Advance costs a few
// operations per level plus the entries it fires or cascades, however far time jumps.
//
// Entries live in a pool (pages of nodes plus a free list) and form intrusive doubly-linked lists
// by index, so Insert allocates nothing once the pool has grown and Remove is O(1). The pool grows
// a page at a time and never moves a node: growing a vector would copy every node, 32 MB at a
// million entries, stalling the insert that crosses the capacity.
//
// Time must not run backwards: an Advance to a time before the wheel's own fires nothing until
// the clock catches up, so nothing ever fires before its deadline.
class TimingWheel {
 public:
  using Handle = uint32_t;
  static constexpr Handle kNoHandle = UINT32_MAX;

  // Times before 0 count as 0.
  explicit TimingWheel(int64_t now_ms = 0);

  // Schedules payload to fire once the wheel reaches deadline_ms; a deadline at or before the
  // wheel's time fires on the next Advance. The handle stays valid until the entry fires or is
  // removed.
  Handle Insert(int64_t deadline_ms, uint64_t payload);
  // Cancels an entry that has not fired yet.
  void Remove(Handle handle);

  // Moves the wheel to now_ms, firing entries whose deadline is at or before it, at most `budget`
  // of them; leftovers stay due for the next call. The entry is gone (its handle dead) when
  // `fire` runs, and `fire` may Insert or Remove. Returns the number fired.
  size_t Advance(int64_t now_ms, size_t budget, absl::FunctionRef<void(uint64_t payload)> fire);

  // Drops every entry and releases the pool; the wheel's time is kept.
  void Clear();

  size_t size() const { return size_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  static constexpr int kBits = 6;
  static constexpr int kSlots = 1 << kBits;
  static constexpr int kLevels = 11;  // 11 * 6 bits >= the 63 bits of a non-negative int64
  static constexpr uint32_t kNil = UINT32_MAX;

  struct Node {
    int64_t deadline;
    uint64_t payload;
    uint32_t prev;
    uint32_t next;
    uint16_t list;  // level * kSlots + slot
  };

  static constexpr int kPageBits = 12;  // 4096 nodes, 128 KB
  static constexpr uint32_t kPageSize = uint32_t{1} << kPageBits;

  Node& node(uint32_t index) { return pages_[index >> kPageBits][index & (kPageSize - 1)]; }

  static int Digit(int64_t time, int level) {
    return static_cast<int>((time >> (level * kBits)) & (kSlots - 1));
  }

  // Links node into the slot its deadline maps to relative to now_ms_.
  void Place(uint32_t index);
  void Unlink(uint32_t index);
  // Moves every entry of a higher-level slot that time has reached to the levels below.
  void Cascade(int level, int slot);

  std::vector<std::unique_ptr<Node[]>> pages_;
  uint32_t allocated_ = 0;  // nodes handed out from the pages so far, pooled ones included
  uint32_t free_ = kNil;
  std::array<uint32_t, kLevels * kSlots> heads_;
  std::array<uint64_t, kLevels> occupied_{};
  int64_t now_ms_;
  size_t size_ = 0;
};

}  // namespace understudy::store
