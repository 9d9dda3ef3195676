#include "store/listpack.h"

#include <malloc.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "store/numbers.h"

namespace understudy::store {
namespace {

// Entry tags. The small forms keep part of the value in the tag byte itself.
constexpr uint8_t kUint7 = 0x00;  // 0xxxxxxx: 0..127
constexpr uint8_t kStr6 = 0x80;   // 10xxxxxx: string of up to 63 bytes
constexpr uint8_t kInt13 = 0xC0;  // 110xxxxx + 1 byte: -4096..4095
constexpr uint8_t kStr12 = 0xE0;  // 1110xxxx + 1 byte: string of up to 4095 bytes
constexpr uint8_t kStr16 = 0xF0;  // + uint16 length
constexpr uint8_t kStr32 = 0xF1;  // + uint32 length
constexpr uint8_t kInt16 = 0xF2;  // + 2 bytes
constexpr uint8_t kInt24 = 0xF3;  // + 3 bytes
constexpr uint8_t kInt32 = 0xF4;  // + 4 bytes
constexpr uint8_t kInt64 = 0xF5;  // + 8 bytes

void StoreLE(uint8_t* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t LoadLE(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// Sign-extends the low `bits` bits of `raw`.
int64_t SignExtend(uint64_t raw, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((raw ^ sign) - sign);
}

size_t BacklenWidth(size_t len) {
  size_t width = 1;
  while (len >= (size_t{1} << (7 * width))) ++width;
  return width;
}

// Most significant group first; every group but the leftmost has its high bit set, so a reader
// coming from the right knows when to stop.
void WriteBacklen(uint8_t* p, size_t len, size_t width) {
  for (size_t i = 0; i < width; ++i) {
    const size_t shift = 7 * (width - 1 - i);
    p[i] = static_cast<uint8_t>(((len >> shift) & 0x7F) | (i == 0 ? 0 : 0x80));
  }
}

// Reads the back length that ends just before `end`; returns its value and sets its width.
size_t ReadBacklen(const uint8_t* end, size_t* width) {
  const uint8_t* p = end - 1;
  size_t len = *p & 0x7F;
  size_t shift = 7;
  while (*p & 0x80) {
    --p;
    len |= static_cast<size_t>(*p & 0x7F) << shift;
    shift += 7;
  }
  *width = static_cast<size_t>(end - p);
  return len;
}

// Size of an entry before its back length: tag, length and payload.
size_t EncodedLength(const uint8_t* p) {
  const uint8_t tag = p[0];
  if (tag < kStr6) return 1;
  if (tag < kInt13) return 1 + (tag & 0x3F);
  if (tag < kStr12) return 2;
  if (tag < kStr16) return 2 + (((tag & 0x0F) << 8) | p[1]);
  switch (tag) {
    case kStr16:
      return 3 + LoadLE(p + 1, 2);
    case kStr32:
      return 5 + LoadLE(p + 1, 4);
    case kInt16:
      return 3;
    case kInt24:
      return 4;
    case kInt32:
      return 5;
    default:
      assert(tag == kInt64);
      return 9;
  }
}

bool ParseCanonicalInt(std::string_view s, int64_t* v) {
  // Cheap rejections first: most strings in a list are not numbers.
  if (s.empty() || s.size() > 20) return false;
  if (s[0] != '-' && (s[0] < '0' || s[0] > '9')) return false;
  return ParseInt64(s, v);
}

// How a value will be written.
struct Plan {
  bool is_int;
  int64_t v;
  std::string_view s;
  size_t length;  // tag, length and payload
  size_t total;   // plus the back length
};

size_t IntLength(int64_t v) {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= INT16_MIN && v <= INT16_MAX) return 3;
  if (v >= -(1 << 23) && v < (1 << 23)) return 4;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 9;
}

size_t StrLength(size_t n) {
  if (n < 64) return 1 + n;
  if (n < 4096) return 2 + n;
  if (n <= UINT16_MAX) return 3 + n;
  assert(n <= UINT32_MAX);
  return 5 + n;
}

Plan PlanInt(int64_t v) {
  const size_t length = IntLength(v);
  return {true, v, {}, length, length + BacklenWidth(length)};
}

Plan PlanValue(std::string_view s) {
  int64_t v;
  if (ParseCanonicalInt(s, &v)) return PlanInt(v);
  const size_t length = StrLength(s.size());
  return {false, 0, s, length, length + BacklenWidth(length)};
}

void WriteEntry(uint8_t* p, const Plan& plan) {
  if (plan.is_int) {
    const int64_t v = plan.v;
    const uint64_t u = static_cast<uint64_t>(v);
    switch (plan.length) {
      case 1:
        p[0] = static_cast<uint8_t>(kUint7 | v);
        break;
      case 2:
        p[0] = static_cast<uint8_t>(kInt13 | ((u >> 8) & 0x1F));
        p[1] = static_cast<uint8_t>(u);
        break;
      case 3:
        p[0] = kInt16;
        StoreLE(p + 1, u, 2);
        break;
      case 4:
        p[0] = kInt24;
        StoreLE(p + 1, u, 3);
        break;
      case 5:
        p[0] = kInt32;
        StoreLE(p + 1, u, 4);
        break;
      default:
        p[0] = kInt64;
        StoreLE(p + 1, u, 8);
        break;
    }
  } else {
    const size_t n = plan.s.size();
    size_t head;
    if (n < 64) {
      p[0] = static_cast<uint8_t>(kStr6 | n);
      head = 1;
    } else if (n < 4096) {
      p[0] = static_cast<uint8_t>(kStr12 | (n >> 8));
      p[1] = static_cast<uint8_t>(n);
      head = 2;
    } else if (n <= UINT16_MAX) {
      p[0] = kStr16;
      StoreLE(p + 1, n, 2);
      head = 3;
    } else {
      p[0] = kStr32;
      StoreLE(p + 1, n, 4);
      head = 5;
    }
    if (n > 0) std::memcpy(p + head, plan.s.data(), n);
  }
  WriteBacklen(p + plan.length, plan.length, plan.total - plan.length);
}

LpValue Decode(const uint8_t* p) {
  const uint8_t tag = p[0];
  if (tag < kStr6) return LpValue::Int(tag);
  if (tag < kInt13) return LpValue::String({reinterpret_cast<const char*>(p + 1), tag & 0x3Fu});
  if (tag < kStr12) return LpValue::Int(SignExtend(((tag & 0x1Fu) << 8) | p[1], 13));
  if (tag < kStr16) {
    return LpValue::String({reinterpret_cast<const char*>(p + 2), ((tag & 0x0Fu) << 8) | p[1]});
  }
  switch (tag) {
    case kStr16:
      return LpValue::String({reinterpret_cast<const char*>(p + 3), LoadLE(p + 1, 2)});
    case kStr32:
      return LpValue::String({reinterpret_cast<const char*>(p + 5), LoadLE(p + 1, 4)});
    case kInt16:
      return LpValue::Int(SignExtend(LoadLE(p + 1, 2), 16));
    case kInt24:
      return LpValue::Int(SignExtend(LoadLE(p + 1, 3), 24));
    case kInt32:
      return LpValue::Int(SignExtend(LoadLE(p + 1, 4), 32));
    default:
      assert(tag == kInt64);
      return LpValue::Int(static_cast<int64_t>(LoadLE(p + 1, 8)));
  }
}

// A string compared against entries: parsed as an integer once, not at every entry.
struct Needle {
  explicit Needle(std::string_view s) : s(s), is_int(ParseCanonicalInt(s, &v)) {}
  bool Matches(const uint8_t* p) const {
    const LpValue e = Decode(p);
    return e.is_int() ? is_int && e.integer() == v : !is_int && e.view() == s;
  }
  std::string_view s;
  int64_t v = 0;
  bool is_int;
};

}  // namespace

std::string_view LpValue::view() const {
  if (!is_int_) return str_;
  const auto result = std::to_chars(digits_, digits_ + sizeof(digits_), int_);
  return {digits_, static_cast<size_t>(result.ptr - digits_)};
}

Listpack::Listpack(const Listpack& other) {
  if (other.buf_ == nullptr) return;
  const size_t n = other.bytes();
  buf_ = static_cast<uint8_t*>(std::malloc(n));
  if (buf_ == nullptr) throw std::bad_alloc();
  std::memcpy(buf_, other.buf_, n);
}

Listpack& Listpack::operator=(const Listpack& other) {
  if (this != &other) *this = Listpack(other);
  return *this;
}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
  if (this != &other) {
    std::free(buf_);
    buf_ = std::exchange(other.buf_, nullptr);
  }
  return *this;
}

Listpack::~Listpack() { std::free(buf_); }

size_t Listpack::size() const { return buf_ ? LoadLE(buf_ + 4, 4) : 0; }

size_t Listpack::bytes() const { return buf_ ? LoadLE(buf_, 4) : 0; }

size_t Listpack::capacity() const { return buf_ ? malloc_usable_size(buf_) : 0; }

size_t Listpack::Front() const { return buf_ ? kHeaderSize : kEnd; }

size_t Listpack::Back() const { return buf_ ? Prev(bytes()) : kEnd; }

size_t Listpack::Next(size_t pos) const {
  if (pos == kEnd) return kEnd;
  const size_t next = pos + EntrySize(pos);
  return next < bytes() ? next : kEnd;
}

size_t Listpack::Prev(size_t pos) const {
  if (pos == kEnd) return Back();
  if (pos <= kHeaderSize) return kEnd;
  size_t width;
  const size_t len = ReadBacklen(buf_ + pos, &width);
  return pos - width - len;
}

size_t Listpack::Seek(int64_t index) const {
  const int64_t n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return kEnd;
  // Walk from whichever end is nearer.
  if (index <= n / 2) {
    size_t pos = Front();
    for (int64_t i = 0; i < index; ++i) pos += EntrySize(pos);
    return pos;
  }
  size_t pos = Back();
  for (int64_t i = n - 1; i > index; --i) pos = Prev(pos);
  return pos;
}

LpValue Listpack::Get(size_t pos) const { return Decode(buf_ + pos); }

bool Listpack::Equals(size_t pos, std::string_view s) const {
  const LpValue e = Decode(buf_ + pos);
  if (!e.is_int()) return e.view() == s;
  int64_t v;
  return ParseCanonicalInt(s, &v) && v == e.integer();
}

size_t Listpack::Find(std::string_view s, size_t pos, size_t stride) const {
  assert(stride > 0);
  if (pos == kEnd) return kEnd;
  const Needle needle(s);
  const size_t end = bytes();
  while (pos < end) {
    if (needle.Matches(buf_ + pos)) return pos;
    for (size_t i = 0; i < stride && pos < end; ++i) pos += EntrySize(pos);
  }
  return kEnd;
}

size_t Listpack::Insert(size_t pos, std::string_view s) {
  const Plan plan = PlanValue(s);
  if (pos == kEnd) pos = buf_ ? bytes() : kHeaderSize;
  WriteEntry(OpenGap(pos, plan.total), plan);
  SetHeader(bytes(), size() + 1);
  return pos;
}

size_t Listpack::InsertInt(size_t pos, int64_t v) {
  const Plan plan = PlanInt(v);
  if (pos == kEnd) pos = buf_ ? bytes() : kHeaderSize;
  WriteEntry(OpenGap(pos, plan.total), plan);
  SetHeader(bytes(), size() + 1);
  return pos;
}

size_t Listpack::Replace(size_t pos, std::string_view s) {
  const Plan plan = PlanValue(s);
  const size_t old_size = EntrySize(pos);
  if (plan.total > old_size) {
    OpenGap(pos + old_size, plan.total - old_size);
    WriteEntry(buf_ + pos, plan);
  } else {
    // Write first: the bytes after the old entry are untouched until the gap closes.
    WriteEntry(buf_ + pos, plan);
    if (plan.total < old_size) CloseGap(pos + plan.total, old_size - plan.total, 0);
  }
  return pos;
}

size_t Listpack::Erase(size_t pos) {
  CloseGap(pos, EntrySize(pos), 1);
  return pos < bytes() ? pos : kEnd;
}

void Listpack::EraseRange(size_t first_index, size_t count) {
  const size_t n = size();
  if (count == 0 || first_index >= n) return;
  count = std::min(count, n - first_index);
  const size_t start = Seek(static_cast<int64_t>(first_index));
  size_t end = start;
  for (size_t i = 0; i < count; ++i) end += EntrySize(end);
  CloseGap(start, end - start, count);
}

void Listpack::PushFront(std::string_view s) { Insert(Front(), s); }

void Listpack::PushBack(std::string_view s) { Insert(kEnd, s); }

void Listpack::Clear() {
  std::free(buf_);
  buf_ = nullptr;
}

size_t Listpack::EncodedSize(std::string_view s) { return PlanValue(s).total; }

size_t Listpack::EntrySize(size_t pos) const {
  const size_t len = EncodedLength(buf_ + pos);
  return len + BacklenWidth(len);
}

void Listpack::Append(Listpack&& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = std::move(other);
    return;
  }
  const size_t old_bytes = bytes();
  const size_t moved = other.bytes() - kHeaderSize;
  // Merged list nodes rarely grow afterwards.
  Reserve(old_bytes + moved, /*exact=*/true);
  std::memcpy(buf_ + old_bytes, other.buf_ + kHeaderSize, moved);
  SetHeader(old_bytes + moved, size() + other.size());
  other.Clear();
}

Listpack Listpack::SplitAt(size_t pos) {
  Listpack tail;
  if (pos == kEnd) return tail;
  const size_t end = bytes();
  size_t moved = 0;
  for (size_t p = pos; p < end; p += EntrySize(p)) ++moved;
  tail.Reserve(kHeaderSize + (end - pos), /*exact=*/true);
  std::memcpy(tail.buf_ + kHeaderSize, buf_ + pos, end - pos);
  tail.SetHeader(kHeaderSize + (end - pos), moved);
  CloseGap(pos, end - pos, moved);
  return tail;
}

void Listpack::ShrinkToFit() {
  if (buf_ == nullptr || capacity() == bytes()) return;
  if (void* p = std::realloc(buf_, bytes())) buf_ = static_cast<uint8_t*>(p);
}

void Listpack::SetHeader(size_t bytes, size_t count) {
  assert(bytes <= UINT32_MAX);
  StoreLE(buf_, bytes, 4);
  StoreLE(buf_ + 4, count, 4);
}

uint8_t* Listpack::OpenGap(size_t pos, size_t len) {
  const bool was_empty = buf_ == nullptr;
  const size_t old_bytes = was_empty ? kHeaderSize : bytes();
  const size_t count = was_empty ? 0 : size();
  Reserve(old_bytes + len);
  std::memmove(buf_ + pos + len, buf_ + pos, old_bytes - pos);
  SetHeader(old_bytes + len, count);
  return buf_ + pos;
}

void Listpack::CloseGap(size_t pos, size_t len, size_t removed_entries) {
  const size_t old_bytes = bytes();
  const size_t count = size() - removed_entries;
  if (count == 0) {
    Clear();
    return;
  }
  std::memmove(buf_ + pos, buf_ + pos + len, old_bytes - pos - len);
  const size_t new_bytes = old_bytes - len;
  SetHeader(new_bytes, count);
  // Give memory back once at least half of it and a cache line's worth are unused.
  const size_t cap = capacity();
  if (cap >= 2 * new_bytes && cap - new_bytes >= 64) ShrinkToFit();
}

void Listpack::Reserve(size_t need, bool exact) {
  if (buf_ != nullptr && capacity() >= need) return;
  // A new or small buffer is exact, as Redis's are: a small hash or set costs no growth room,
  // and realloc of a small chunk is cheap. A large one (a list node filling up) gets an eighth
  // more, so a run of pushes does not copy it every time.
  constexpr size_t kExactBelow = 4096;
  const size_t want = exact || buf_ == nullptr || need < kExactBelow ? need : need + need / 8;
  void* p = std::realloc(buf_, want);
  if (p == nullptr) throw std::bad_alloc();
  buf_ = static_cast<uint8_t*>(p);
}

}  // namespace understudy::store
