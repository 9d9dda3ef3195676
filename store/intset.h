#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace understudy::store {

// A sorted set of int64 packed in one buffer, every member in the narrowest width (2, 4 or 8
// bytes) that fits them all, as Redis's intset. Inserting a member that needs a wider width
// widens the whole buffer; erasing never narrows it (Redis does not either). Lookups are binary
// searches, inserts and erases move the members after the position: meant for a few hundred
// members (set-max-intset-entries).
class Intset {
 public:
  bool Contains(int64_t value) const;
  // Adds value; false if it was present.
  bool Insert(int64_t value);
  // Removes value; false if it was absent.
  bool Erase(int64_t value);
  // The i-th smallest member, i < size().
  int64_t Get(size_t i) const;

  size_t size() const { return data_.size() / width_; }
  bool empty() const { return data_.empty(); }
  // Bytes per member: 2, 4 or 8.
  size_t width() const { return width_; }
  // Heap bytes held, growth room included.
  size_t bytes() const { return data_.capacity(); }

 private:
  // Index of value, or of where it would go, and whether it is there.
  std::pair<size_t, bool> Search(int64_t value) const;
  void Put(size_t i, int64_t value);
  // Re-encodes every member at `width` bytes, leaving room for one more member at the front
  // (a wider value is below every member) or at the back (above every member).
  void Widen(size_t width, bool room_at_front);

  std::vector<uint8_t> data_;  // members in ascending order, native byte order
  uint8_t width_ = sizeof(int16_t);
};

}  // namespace understudy::store
