#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace understudy::store {

// A sorted set of int64 packed in one buffer, every member in the narrowest width (2, 4 or 8
// bytes) that fits them all, as Redis's intset. Inserting a member that needs a wider width
// widens the whole buffer; erasing never narrows it (Redis does not either). Lookups are binary
// searches, inserts and erases move the members after the position: meant for a few hundred
// members (set-max-intset-entries).
class Intset {
 public:
  Intset() = default;
  ~Intset() { std::free(data_); }
  Intset(Intset&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        width_(std::exchange(other.width_, sizeof(int16_t))) {}
  Intset& operator=(Intset&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(width_, other.width_);
    return *this;
  }
  Intset(const Intset&) = delete;
  Intset& operator=(const Intset&) = delete;

  bool Contains(int64_t value) const;
  // Adds value; false if it was present.
  bool Insert(int64_t value);
  // Removes value; false if it was absent.
  bool Erase(int64_t value);
  // The i-th smallest member, i < size().
  int64_t Get(size_t i) const;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes per member: 2, 4 or 8.
  size_t width() const { return width_; }
  // Heap bytes held.
  size_t bytes() const { return size_t{size_} * width_; }

 private:
  // Index of value, or of where it would go, and whether it is there.
  std::pair<size_t, bool> Search(int64_t value) const;
  void Put(size_t i, int64_t value);
  // Re-encodes every member at `width` bytes, leaving room for one more member at the front
  // (a wider value is below every member) or at the back (above every member).
  void Widen(size_t width, bool room_at_front);
  // Makes the buffer exactly `members` members of the current width long.
  void Resize(size_t members);

  // Members in ascending order, native byte order, in a buffer of exactly their size: as in
  // Redis, each insert or erase reallocates (it moves the members after it anyway), and a set
  // costs no growth room.
  uint8_t* data_ = nullptr;
  uint32_t size_ = 0;
  uint8_t width_ = sizeof(int16_t);
};

}  // namespace understudy::store
