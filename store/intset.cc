#include "store/intset.h"

#include <cstring>
#include <limits>
#include <new>
#include <utility>

namespace understudy::store {
namespace {

template <typename T>
bool Fits(int64_t value) {
  return value >= std::numeric_limits<T>::min() && value <= std::numeric_limits<T>::max();
}

size_t WidthFor(int64_t value) {
  if (Fits<int16_t>(value)) return sizeof(int16_t);
  if (Fits<int32_t>(value)) return sizeof(int32_t);
  return sizeof(int64_t);
}

template <typename T>
int64_t Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

int64_t LoadAt(const uint8_t* p, size_t width) {
  switch (width) {
    case sizeof(int16_t):
      return Load<int16_t>(p);
    case sizeof(int32_t):
      return Load<int32_t>(p);
    default:
      return Load<int64_t>(p);
  }
}

void StoreAt(uint8_t* p, size_t width, int64_t value) {
  switch (width) {
    case sizeof(int16_t): {
      const auto v = static_cast<int16_t>(value);
      std::memcpy(p, &v, sizeof(v));
      break;
    }
    case sizeof(int32_t): {
      const auto v = static_cast<int32_t>(value);
      std::memcpy(p, &v, sizeof(v));
      break;
    }
    default:
      std::memcpy(p, &value, sizeof(value));
  }
}

}  // namespace

int64_t Intset::Get(size_t i) const { return LoadAt(data_ + i * width_, width_); }

void Intset::Put(size_t i, int64_t value) { StoreAt(data_ + i * width_, width_, value); }

void Intset::Resize(size_t members) {
  if (members == 0) {
    std::free(data_);
    data_ = nullptr;
  } else {
    void* p = std::realloc(data_, members * width_);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
  }
  size_ = static_cast<uint32_t>(members);
}

std::pair<size_t, bool> Intset::Search(int64_t value) const {
  size_t lo = 0;
  size_t hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t v = Get(mid);
    if (v == value) return {mid, true};
    if (v < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return {lo, false};
}

bool Intset::Contains(int64_t value) const {
  // A value wider than the encoding cannot be a member.
  return WidthFor(value) <= width_ && Search(value).second;
}

bool Intset::Insert(int64_t value) {
  if (const size_t width = WidthFor(value); width > width_) {
    Widen(width, value < 0);
    Put(value < 0 ? 0 : size() - 1, value);
    return true;
  }
  const auto [index, found] = Search(value);
  if (found) return false;
  Resize(size_ + 1);
  std::memmove(data_ + (index + 1) * width_, data_ + index * width_,
               (size_ - 1 - index) * width_);
  Put(index, value);
  return true;
}

bool Intset::Erase(int64_t value) {
  if (WidthFor(value) > width_) return false;
  const auto [index, found] = Search(value);
  if (!found) return false;
  std::memmove(data_ + index * width_, data_ + (index + 1) * width_,
               (size_ - 1 - index) * width_);
  Resize(size_ - 1);
  return true;
}

void Intset::Widen(size_t width, bool room_at_front) {
  const size_t count = size();
  const size_t old_width = width_;
  width_ = static_cast<uint8_t>(width);
  Resize(count + 1);
  // Back to front, so no member is overwritten before it was read: the new slot of member i
  // starts at or after its old one.
  const size_t shift = room_at_front ? 1 : 0;
  for (size_t i = count; i-- > 0;) {
    StoreAt(data_ + (i + shift) * width, width, LoadAt(data_ + i * old_width, old_width));
  }
}

}  // namespace understudy::store
