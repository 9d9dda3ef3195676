#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace understudy::store {

// A value read from a listpack: a string or an integer. view() renders an integer into the
// object's own buffer, so the view lives as long as this object (and, for a string, as long as
// the listpack is unchanged).
class LpValue {
 public:
  static LpValue Int(int64_t v) { return LpValue(v); }
  static LpValue String(std::string_view s) { return LpValue(s); }

  bool is_int() const { return is_int_; }
  int64_t integer() const { return int_; }  // only if is_int()
  std::string_view view() const;            // the string, or the integer's decimal text
  std::string str() const { return std::string(view()); }

 private:
  explicit LpValue(int64_t v) : int_(v), is_int_(true) {}
  explicit LpValue(std::string_view s) : str_(s), is_int_(false) {}

  std::string_view str_;
  int64_t int_ = 0;
  bool is_int_;
  mutable char digits_[20];  // "-9223372036854775808" is the longest rendering
};

// One contiguous buffer of entries, each a string or an int64, in the spirit of Redis's
// listpack. A string that is a canonical decimal integer is stored as that integer in the
// smallest width that fits, so Get() returns it as an integer. Layout:
//
//   header:  uint32 total bytes | uint32 entry count          (little-endian)
//   entry:   tag [+ length] [+ payload] | back length
//
// The back length is the size of everything before it in the entry, written in 7-bit groups
// that read from the right (high bit: "more groups to the left"), so the list walks backwards.
// An empty listpack owns no buffer. Positions are byte offsets, so they survive reallocation
// but not a change before them.
class Listpack {
 public:
  static constexpr size_t kEnd = SIZE_MAX;  // "no entry" position
  static constexpr size_t kHeaderSize = 8;  // what bytes() counts beside the entries

  Listpack() = default;
  Listpack(const Listpack& other);
  Listpack& operator=(const Listpack& other);
  Listpack(Listpack&& other) noexcept : buf_(other.buf_) { other.buf_ = nullptr; }
  Listpack& operator=(Listpack&& other) noexcept;
  ~Listpack();

  size_t size() const;   // entries
  size_t bytes() const;  // encoded bytes (what the node costs beside its malloc overhead)
  bool empty() const { return buf_ == nullptr; }
  // Bytes the allocation actually holds (bytes() plus growth room), for memory accounting.
  size_t capacity() const;

  // Positions are byte offsets of entries, valid until the next change.
  size_t Front() const;              // kEnd when empty
  size_t Back() const;               // kEnd when empty
  size_t Next(size_t pos) const;     // kEnd past the back
  size_t Prev(size_t pos) const;     // kEnd before the front; Prev(kEnd) is Back()
  size_t Seek(int64_t index) const;  // negative counts from the back; kEnd if out of range
  LpValue Get(size_t pos) const;
  bool Equals(size_t pos, std::string_view s) const;  // compares without rendering when it can
  // Walks from `pos` comparing every `stride`-th entry (stride 2 for field/value pairs); kEnd if
  // none.
  size_t Find(std::string_view s, size_t pos, size_t stride = 1) const;

  size_t Insert(size_t pos, std::string_view s);  // before pos (kEnd appends); returns its position
  size_t InsertInt(size_t pos, int64_t v);
  size_t Replace(size_t pos, std::string_view s);  // returns the entry's (possibly new) position
  size_t Erase(size_t pos);  // returns the position of the entry that followed, or kEnd
  void EraseRange(size_t first_index, size_t count);
  void PushFront(std::string_view s);
  void PushBack(std::string_view s);
  void Clear();

  // Bytes an entry holding `s` takes (tag, length, payload, back length).
  static size_t EncodedSize(std::string_view s);
  // Bytes the entry at `pos` takes.
  size_t EntrySize(size_t pos) const;
  // Moves every entry of `other` to the back of this one, leaving `other` empty.
  void Append(Listpack&& other);
  // Moves the entries from `pos` to the back into a new listpack and returns it.
  Listpack SplitAt(size_t pos);
  // Gives back growth room, e.g. when a list node is full and no longer the one pushed to.
  void ShrinkToFit();

 private:
  void SetHeader(size_t bytes, size_t count);
  // Makes room for `len` bytes at `pos` (moving what follows) and returns where to write.
  uint8_t* OpenGap(size_t pos, size_t len);
  // Removes `len` bytes at `pos`, closing the gap and freeing room when it shrank a lot.
  void CloseGap(size_t pos, size_t len, size_t removed_entries);
  // Grows the buffer to hold `bytes`, with room for more unless `exact`.
  void Reserve(size_t bytes, bool exact = false);

  uint8_t* buf_ = nullptr;  // header and entries; null when empty
};

}  // namespace understudy::store
