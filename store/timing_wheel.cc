#include "store/timing_wheel.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace understudy::store {

namespace {

constexpr uint16_t kFreeList = UINT16_MAX;  // marks pooled nodes, to catch a stale Remove

}  // namespace

TimingWheel::TimingWheel(int64_t now_ms) : now_ms_(std::max<int64_t>(now_ms, 0)) {
  heads_.fill(kNil);
}

TimingWheel::Handle TimingWheel::Insert(int64_t deadline_ms, uint64_t payload) {
  uint32_t index;
  if (free_ != kNil) {
    index = free_;
    free_ = node(index).next;
  } else {
    index = allocated_++;
    if ((index >> kPageBits) == pages_.size()) pages_.push_back(std::make_unique<Node[]>(kPageSize));
  }
  node(index).deadline = deadline_ms;
  node(index).payload = payload;
  Place(index);
  ++size_;
  return index;
}

void TimingWheel::Remove(Handle handle) {
  assert(handle < allocated_ && node(handle).list != kFreeList);
  Unlink(handle);
  node(handle).list = kFreeList;
  node(handle).next = free_;
  free_ = handle;
  --size_;
}

size_t TimingWheel::Advance(int64_t now_ms, size_t budget,
                            absl::FunctionRef<void(uint64_t payload)> fire) {
  size_t fired = 0;
  if (now_ms < now_ms_) return fired;
  while (true) {
    // The level-0 slot of the current time holds exactly the due entries.
    const uint32_t due = static_cast<uint32_t>(Digit(now_ms_, 0));
    while (heads_[due] != kNil) {
      if (fired == budget) return fired;
      const Handle handle = heads_[due];
      const uint64_t payload = node(handle).payload;
      Remove(handle);
      ++fired;
      fire(payload);
    }
    if (now_ms_ == now_ms) return fired;

    // Every occupied slot lies after the current digit of its level, and any such slot of a lower
    // level starts before every one of a higher level: the first level with one has the next.
    int level = 0;
    uint64_t later = 0;
    for (; level < kLevels; ++level) {
      const int digit = Digit(now_ms_, level);
      later = digit == kSlots - 1 ? 0 : occupied_[level] & (~uint64_t{0} << (digit + 1));
      if (later != 0) break;
    }
    if (level == kLevels) {
      now_ms_ = now_ms;
      return fired;
    }
    const int slot = std::countr_zero(later);
    const int shift = level * kBits;
    const int64_t span_start =
        shift + kBits >= 64 ? 0 : (now_ms_ >> (shift + kBits)) << (shift + kBits);
    const int64_t slot_start = span_start + (int64_t{slot} << shift);
    if (slot_start > now_ms) {
      // Nothing is due before now_ms, and no occupied slot is passed over.
      now_ms_ = now_ms;
      return fired;
    }
    now_ms_ = slot_start;
    if (level > 0) Cascade(level, slot);
  }
}

void TimingWheel::Clear() {
  pages_.clear();
  pages_.shrink_to_fit();
  allocated_ = 0;
  free_ = kNil;
  heads_.fill(kNil);
  occupied_.fill(0);
  size_ = 0;
}

void TimingWheel::Place(uint32_t index) {
  Node& n = node(index);
  int level = 0;
  int slot;
  if (n.deadline <= now_ms_) {
    slot = Digit(now_ms_, 0);
  } else {
    const auto differing = static_cast<uint64_t>(n.deadline ^ now_ms_);
    level = (63 - std::countl_zero(differing)) / kBits;
    slot = Digit(n.deadline, level);
  }
  const auto list = static_cast<uint16_t>(level * kSlots + slot);
  n.list = list;
  n.prev = kNil;
  n.next = heads_[list];
  if (n.next != kNil) node(n.next).prev = index;
  heads_[list] = index;
  occupied_[level] |= uint64_t{1} << slot;
}

void TimingWheel::Unlink(uint32_t index) {
  const Node& n = node(index);
  if (n.prev != kNil) {
    node(n.prev).next = n.next;
  } else {
    heads_[n.list] = n.next;
    if (n.next == kNil) occupied_[n.list / kSlots] &= ~(uint64_t{1} << (n.list % kSlots));
  }
  if (n.next != kNil) node(n.next).prev = n.prev;
}

void TimingWheel::Cascade(int level, int slot) {
  const int list = level * kSlots + slot;
  uint32_t index = heads_[list];
  heads_[list] = kNil;
  occupied_[level] &= ~(uint64_t{1} << slot);
  while (index != kNil) {
    const uint32_t next = node(index).next;
    Place(index);
    index = next;
  }
}

}  // namespace understudy::store
