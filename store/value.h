#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "resp/base/strings.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/zset_value.h"

namespace understudy::store {

// String-keyed tables and the absl bridge come from the shared base library.
using base::AbslView;
using base::StringEq;
using base::StringHash;
using base::StringMap;
using base::StringSet;

enum class ValueType : uint8_t { kString, kList, kSet, kZSet, kHash };

// The name TYPE answers.
std::string_view TypeName(ValueType type);

using SetValue = containers::SetValue;
using ZSetValue = containers::ZSetValue;
using HashValue = containers::HashValue;

// How a string value is stored, as OBJECT ENCODING names it: "int", "embstr" or "raw".
enum class StringEncoding : uint8_t { kInt, kEmbStr, kRaw };

// Longest string stored embedded in its entry, as Redis's embstr.
inline constexpr size_t kEmbStrMax = 44;

// The encodings a string may get when written, after the command writing it (Redis 7.0's rules).
enum class StringPolicy : uint8_t {
  // SET and its variants, MSET, APPEND creating a key: an int if the string is a canonical int64
  // (ParseInt64), else embstr up to kEmbStrMax bytes, else raw.
  kTryInt,
  // INCRBYFLOAT: embstr up to kEmbStrMax bytes, else raw.
  kNoInt,
  // What APPEND and SETRANGE leave: raw whatever the length.
  kRaw,
};

// A string value's bytes: a view of the stored bytes, or an int-encoded value's digits written
// into the object itself. A view stays valid until its key is written or deleted.
class StringBytes {
 public:
  StringBytes() = default;
  explicit StringBytes(std::string_view bytes) : data_(bytes.data()), size_(bytes.size()) {}
  explicit StringBytes(int64_t n);

  std::string_view view() const { return {data_ != nullptr ? data_ : digits_, size_}; }
  size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;  // null: the bytes are in digits_
  size_t size_ = 0;
  char digits_[20];  // "-9223372036854775808"
};

// A large bulk argument that the network server read in place into a mapped block
// (base::MapBlock) of `mapped` bytes, with kAdoptionRoom writable bytes right before `bytes`,
// which starts 16-byte aligned.
struct MappedBulk {
  char* block;
  size_t mapped;
  std::string_view bytes;
};

// While one lives (on this thread, around one command), a raw string created from exactly its
// bulk takes over the bulk's block instead of copying it, as Redis takes over its query buffer:
// a 512 MB SET then costs 512 MB, not twice that, and no copy. The scope's owner gives up the
// block if adopted() says so once the command is done; if the command freed the new value
// again (MSET k big k small) the block returns to the scope's owner, never unmapped under it.
class BulkAdoptionScope {
 public:
  explicit BulkAdoptionScope(const MappedBulk& bulk);
  ~BulkAdoptionScope();
  BulkAdoptionScope(const BulkAdoptionScope&) = delete;
  BulkAdoptionScope& operator=(const BulkAdoptionScope&) = delete;

  bool adopted() const { return adopted_; }

 private:
  friend class RawString;

  MappedBulk bulk_;
  bool adopted_ = false;
  BulkAdoptionScope* outer_;
};

// A raw-encoded string: size, capacity and bytes in one allocation. Growing doubles the capacity
// (by 1 MB at most a step), so repeated APPENDs cost amortised O(1) each.
// A string adopted from a MappedBulk keeps its bytes in the block, with a Mapping record and
// the header in the room before them; it is copied to the heap once it must grow.
class RawString {
 public:
  // Room a MappedBulk leaves before its bytes for an adopted string's records.
  static constexpr size_t kAdoptionRoom = 32;

  // Exactly as large as s (adopting the bulk of the current BulkAdoptionScope if s is it).
  static RawString* Create(std::string_view s);
  static void Free(RawString* s);
  // Sets the size to n, zero-filling new bytes; may move the string and returns where it is.
  static RawString* Resize(RawString* s, size_t n);

  size_t size() const { return size_; }
  // Heap (or mapped) bytes the string holds, its records included.
  size_t allocated() const;
  char* data() { return reinterpret_cast<char*>(this + 1); }
  std::string_view view() const { return {reinterpret_cast<const char*>(this + 1), size_}; }

 private:
  // Where an adopted string's block is, just before its header.
  struct Mapping {
    char* block;
    size_t size;
  };
  static constexpr uint64_t kMappedBit = uint64_t{1} << 63;

  RawString() = default;
  bool mapped() const { return (capacity_ & kMappedBit) != 0; }
  Mapping& mapping() { return reinterpret_cast<Mapping*>(this)[-1]; }
  static RawString* Adopt(BulkAdoptionScope& scope);
  // An adopted string of the current scope's bulk goes back to the scope; true if so.
  static bool ReturnToScope(RawString* s);

  uint64_t size_;
  uint64_t capacity_;  // kMappedBit: adopted
};

// A typed value as it sits in a keyspace entry: a tag byte, then what the tag calls for.
//  - tags 0..kEmbStrMax: an embstr of that many bytes, which follow;
//  - kTagInt: an int64; kTagRaw: a RawString*;
//  - a container tag: a pointer to the ListValue, SetValue, ZSetValue or HashValue.
// Nothing after the tag is aligned (it is read with memcpy), so a value costs its tag plus its
// bytes, or 9 bytes, rather than a fixed-size object.
//
// Values live only inside a Database's entries, which build, move and free them; everyone else
// gets a Value* from the Database. A container stays where it is for as long as its key holds it.
class Value {
 public:
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  ValueType type() const {
    return tag_ < kTagList ? ValueType::kString : static_cast<ValueType>(tag_ - kTagList + 1);
  }
  bool is(ValueType t) const { return type() == t; }
  // What OBJECT ENCODING answers.
  std::string_view encoding() const;

  // The container of a list, set, zset or hash value; T must be the value's type.
  template <typename T>
  T& as() {
    assert(tag_ == TagOf<T>());
    return *static_cast<T*>(pointer());
  }
  template <typename T>
  const T& as() const {
    assert(tag_ == TagOf<T>());
    return *static_cast<const T*>(pointer());
  }

  // Bytes the value holds beyond its entry (MEMORY USAGE).
  size_t heap_bytes() const;

  // Strings only, from here on.
  StringEncoding string_encoding() const {
    return tag_ == kTagInt   ? StringEncoding::kInt
           : tag_ == kTagRaw ? StringEncoding::kRaw
                             : StringEncoding::kEmbStr;
  }
  StringBytes str() const;
  // STRLEN, without formatting an int.
  size_t str_size() const;
  // The value as INCR reads it: an int directly, other encodings parsed strictly (ParseInt64).
  bool ToInt64(int64_t* out) const;
  // Replaces an int-encoded value in place.
  void set_int(int64_t n) {
    assert(tag_ == kTagInt);
    std::memcpy(payload(), &n, sizeof(n));
  }
  // Raw-encoded values: APPEND's and SETRANGE's in-place writes (the buffer grows as needed,
  // new bytes before offset being zeros).
  void Append(std::string_view suffix);
  void WriteAt(size_t offset, std::string_view bytes);

 private:
  friend class Database;

  enum Tag : uint8_t { kTagInt = 64, kTagRaw, kTagList, kTagSet, kTagZSet, kTagHash };
  static constexpr size_t kWordFootprint = 1 + sizeof(uint64_t);

  // A string's tag, and its value as an int if it gets one.
  struct StringPlan {
    uint8_t tag;
    int64_t n;
    size_t footprint() const { return tag <= kEmbStrMax ? 1 + tag : kWordFootprint; }
  };

  explicit Value(uint8_t tag) : tag_(tag) {}

  template <typename T>
  static constexpr uint8_t TagOf() {
    if constexpr (std::is_same_v<T, ListValue>) return kTagList;
    if constexpr (std::is_same_v<T, SetValue>) return kTagSet;
    if constexpr (std::is_same_v<T, ZSetValue>) return kTagZSet;
    if constexpr (std::is_same_v<T, HashValue>) return kTagHash;
  }

  // For the Database, which lays values out in its entries. Each Emplace writes a value at `at`,
  // which has room for its footprint.
  static StringPlan PlanString(std::string_view s, StringPolicy policy);
  static Value* EmplaceString(void* at, std::string_view s, const StringPlan& plan);
  // The footprint of an empty value of `type`, and the value (an empty embstr for kString).
  static size_t EmptyFootprint(ValueType type);
  static Value* EmplaceEmpty(void* at, ValueType type);
  // A deep copy of `from`, keeping its encoding; its footprint is from's.
  static Value* EmplaceCopy(void* at, const Value& from);

  // Bytes of the tag and payload.
  size_t footprint() const { return tag_ <= kEmbStrMax ? 1 + tag_ : kWordFootprint; }
  // About how many allocations freeing this value's heap object frees, as Redis's lazy free
  // effort: a background thread takes over past a threshold.
  size_t free_effort() const;
  // Frees the heap object the value owns, if any; the value is dead afterwards.
  void Destroy();
  // Hands the heap object over to a job that frees it (on another thread); the value is dead.
  std::function<void()> Release();

  char* payload() { return reinterpret_cast<char*>(this + 1); }
  const char* payload() const { return reinterpret_cast<const char*>(this + 1); }
  void* pointer() const {
    void* p;
    std::memcpy(&p, payload(), sizeof(p));
    return p;
  }
  void set_pointer(const void* p) { std::memcpy(payload(), &p, sizeof(p)); }
  static void DestroyHeap(uint8_t tag, void* p);

  uint8_t tag_;
};

}  // namespace understudy::store
