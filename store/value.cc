#include "store/value.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <malloc.h>
#include <limits>
#include <new>

#include "resp/base/mapped.h"
#include "store/numbers.h"

namespace understudy::store {
namespace {

void* Allocate(size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// A set built with a config that keeps `from`'s encoding whatever its size: an intset stays one,
// a hashtable converts on the first member. Likewise for sorted sets and hashes.
SetValue* CopySet(const SetValue& from) {
  EncodingConfig config;
  config.set_max_intset_entries =
      from.encoding() == "intset" ? std::numeric_limits<size_t>::max() : 0;
  auto* set = new SetValue();
  from.ForEach([&](std::string_view member) { set->Add(member, config); });
  return set;
}

ZSetValue* CopyZSet(const ZSetValue& from) {
  EncodingConfig config;
  const bool listpack = from.encoding() == "listpack";
  config.zset_max_listpack_entries = listpack ? std::numeric_limits<size_t>::max() : 0;
  config.zset_max_listpack_value = std::numeric_limits<size_t>::max();
  auto* zset = new ZSetValue();
  from.RangeByRank(0, -1, /*reverse=*/false, [&](std::string_view member, double score) {
    zset->AppendSorted(member, score, config);
  });
  return zset;
}

HashValue* CopyHash(const HashValue& from) {
  EncodingConfig config;
  const bool listpack = from.encoding() == "listpack";
  config.hash_max_listpack_entries = listpack ? std::numeric_limits<size_t>::max() : 0;
  config.hash_max_listpack_value = std::numeric_limits<size_t>::max();
  auto* hash = new HashValue();
  from.ForEach([&](std::string_view field, std::string_view value) {
    hash->Set(field, value, config);
  });
  return hash;
}

}  // namespace

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
  }
  return "none";
}

StringBytes::StringBytes(int64_t n) {
  size_ = std::to_chars(digits_, digits_ + sizeof(digits_), n).ptr - digits_;
}

namespace {
// The innermost live BulkAdoptionScope of this thread.
thread_local BulkAdoptionScope* current_scope = nullptr;
}  // namespace

BulkAdoptionScope::BulkAdoptionScope(const MappedBulk& bulk) : bulk_(bulk), outer_(current_scope) {
  current_scope = this;
}

BulkAdoptionScope::~BulkAdoptionScope() { current_scope = outer_; }

RawString* RawString::Adopt(BulkAdoptionScope& scope) {
  static_assert(sizeof(Mapping) + sizeof(RawString) == kAdoptionRoom);
  char* bytes = const_cast<char*>(scope.bulk_.bytes.data());
  auto* raw = new (bytes - sizeof(RawString)) RawString;
  raw->size_ = scope.bulk_.bytes.size();
  raw->capacity_ = raw->size_ | kMappedBit;
  raw->mapping() = {scope.bulk_.block, scope.bulk_.mapped};
  scope.adopted_ = true;
  return raw;
}

bool RawString::ReturnToScope(RawString* s) {
  BulkAdoptionScope* scope = current_scope;
  if (!s->mapped() || scope == nullptr || !scope->adopted_ ||
      s->mapping().block != scope->bulk_.block) {
    return false;
  }
  scope->adopted_ = false;
  return true;
}

RawString* RawString::Create(std::string_view s) {
  if (BulkAdoptionScope* scope = current_scope;
      scope != nullptr && !scope->adopted_ && s.data() == scope->bulk_.bytes.data() &&
      s.size() == scope->bulk_.bytes.size()) {
    return Adopt(*scope);
  }
  auto* raw = new (Allocate(sizeof(RawString) + s.size())) RawString;
  raw->size_ = raw->capacity_ = s.size();
  std::memcpy(raw->data(), s.data(), s.size());
  return raw;
}

void RawString::Free(RawString* s) {
  if (!s->mapped()) {
    std::free(s);
  } else if (!ReturnToScope(s)) {
    const Mapping mapping = s->mapping();
    base::UnmapBlock(mapping.block, mapping.size);
  }
}

size_t RawString::allocated() const {
  if (mapped()) return const_cast<RawString*>(this)->mapping().size;
  return malloc_usable_size(const_cast<RawString*>(this));
}

RawString* RawString::Resize(RawString* s, size_t n) {
  if (s->mapped() && n > s->size_) {
    // An adopted block cannot grow: the string moves to the heap.
    RawString* moved = Create(std::string_view());
    moved = Resize(moved, n);
    std::memcpy(moved->data(), s->data(), s->size_);
    Free(s);
    return moved;
  }
  if (n > s->capacity_) {
    constexpr size_t kMaxStep = 1 << 20;
    const size_t capacity = std::max(n, s->capacity_ + std::min(s->capacity_, kMaxStep));
    void* grown = std::realloc(s, sizeof(RawString) + capacity);
    if (grown == nullptr) throw std::bad_alloc();
    s = static_cast<RawString*>(grown);
    s->capacity_ = capacity;
  }
  if (n > s->size_) std::memset(s->data() + s->size_, 0, n - s->size_);
  s->size_ = n;
  return s;
}

std::string_view Value::encoding() const {
  switch (tag_) {
    case kTagInt:
      return "int";
    case kTagRaw:
      return "raw";
    case kTagList:
      return "quicklist";  // Redis 7.0 answers it for every list
    case kTagSet:
      return as<SetValue>().encoding();
    case kTagZSet:
      return as<ZSetValue>().encoding();
    case kTagHash:
      return as<HashValue>().encoding();
    default:
      return "embstr";
  }
}

StringBytes Value::str() const {
  assert(is(ValueType::kString));
  if (tag_ == kTagInt) {
    int64_t n;
    std::memcpy(&n, payload(), sizeof(n));
    return StringBytes(n);
  }
  if (tag_ == kTagRaw) return StringBytes(static_cast<const RawString*>(pointer())->view());
  return StringBytes(std::string_view(payload(), tag_));
}

size_t Value::str_size() const {
  if (tag_ == kTagRaw) return static_cast<const RawString*>(pointer())->size();
  if (tag_ <= kEmbStrMax) return tag_;
  return str().size();
}

bool Value::ToInt64(int64_t* out) const {
  if (tag_ != kTagInt) return ParseInt64(str().view(), out);
  std::memcpy(out, payload(), sizeof(*out));
  return true;
}

void Value::Append(std::string_view suffix) {
  assert(tag_ == kTagRaw);
  auto* raw = static_cast<RawString*>(pointer());
  const size_t size = raw->size();
  raw = RawString::Resize(raw, size + suffix.size());
  std::memcpy(raw->data() + size, suffix.data(), suffix.size());
  set_pointer(raw);
}

void Value::WriteAt(size_t offset, std::string_view bytes) {
  assert(tag_ == kTagRaw);
  auto* raw = static_cast<RawString*>(pointer());
  if (raw->size() < offset + bytes.size()) raw = RawString::Resize(raw, offset + bytes.size());
  std::memcpy(raw->data() + offset, bytes.data(), bytes.size());
  set_pointer(raw);
}

Value::StringPlan Value::PlanString(std::string_view s, StringPolicy policy) {
  int64_t n = 0;
  if (policy == StringPolicy::kTryInt && ParseInt64(s, &n)) return {kTagInt, n};
  if (policy != StringPolicy::kRaw && s.size() <= kEmbStrMax) {
    return {static_cast<uint8_t>(s.size()), 0};
  }
  return {kTagRaw, 0};
}

Value* Value::EmplaceString(void* at, std::string_view s, const StringPlan& plan) {
  auto* value = new (at) Value(plan.tag);
  if (plan.tag == kTagInt) {
    value->set_int(plan.n);
  } else if (plan.tag == kTagRaw) {
    value->set_pointer(RawString::Create(s));
  } else {
    std::memcpy(value->payload(), s.data(), s.size());
  }
  return value;
}

size_t Value::EmptyFootprint(ValueType type) {
  return type == ValueType::kString ? 1 : kWordFootprint;
}

Value* Value::EmplaceEmpty(void* at, ValueType type) {
  switch (type) {
    case ValueType::kString:
      return new (at) Value(0);
    case ValueType::kList: {
      auto* value = new (at) Value(kTagList);
      value->set_pointer(new ListValue());
      return value;
    }
    case ValueType::kSet: {
      auto* value = new (at) Value(kTagSet);
      value->set_pointer(new SetValue());
      return value;
    }
    case ValueType::kZSet: {
      auto* value = new (at) Value(kTagZSet);
      value->set_pointer(new ZSetValue());
      return value;
    }
    case ValueType::kHash: {
      auto* value = new (at) Value(kTagHash);
      value->set_pointer(new HashValue());
      return value;
    }
  }
  return nullptr;
}

Value* Value::EmplaceCopy(void* at, const Value& from) {
  auto* value = new (at) Value(from.tag_);
  switch (from.tag_) {
    case kTagRaw:
      value->set_pointer(RawString::Create(static_cast<const RawString*>(from.pointer())->view()));
      break;
    case kTagList:
      value->set_pointer(new ListValue(from.as<ListValue>()));
      break;
    case kTagSet:
      value->set_pointer(CopySet(from.as<SetValue>()));
      break;
    case kTagZSet:
      value->set_pointer(CopyZSet(from.as<ZSetValue>()));
      break;
    case kTagHash:
      value->set_pointer(CopyHash(from.as<HashValue>()));
      break;
    default:  // an int or embstr: the bytes are the value
      std::memcpy(value->payload(), from.payload(), from.footprint() - 1);
  }
  return value;
}

size_t Value::heap_bytes() const {
  switch (tag_) {
    case kTagRaw:
      return static_cast<const RawString*>(pointer())->allocated();
    case kTagList:
      return as<ListValue>().bytes();
    case kTagSet:
      return as<SetValue>().bytes();
    case kTagZSet:
      return as<ZSetValue>().bytes();
    case kTagHash:
      return as<HashValue>().bytes();
    default:
      return 0;  // an int or embstr lives in its entry
  }
}

size_t Value::free_effort() const {
  switch (tag_) {
    case kTagList:
      return as<ListValue>().node_count();
    case kTagSet:
      return as<SetValue>().encoding() == "intset" ? 1 : as<SetValue>().size();
    case kTagZSet:
      return as<ZSetValue>().encoding() == "listpack" ? 1 : as<ZSetValue>().size();
    case kTagHash:
      return as<HashValue>().encoding() == "listpack" ? 1 : as<HashValue>().size();
    default:
      return 1;  // an adopted raw string too: base::UnmapBlock frees a large block off the loop
  }
}

void Value::DestroyHeap(uint8_t tag, void* p) {
  switch (tag) {
    case kTagRaw:
      RawString::Free(static_cast<RawString*>(p));
      break;
    case kTagList:
      delete static_cast<ListValue*>(p);
      break;
    case kTagSet:
      delete static_cast<SetValue*>(p);
      break;
    case kTagZSet:
      delete static_cast<ZSetValue*>(p);
      break;
    case kTagHash:
      delete static_cast<HashValue*>(p);
      break;
    default:
      break;  // ints and embstrs own nothing
  }
}

void Value::Destroy() {
  if (tag_ > kTagInt) DestroyHeap(tag_, pointer());
}

std::function<void()> Value::Release() {
  if (tag_ <= kTagInt) return [] {};
  return [tag = tag_, p = pointer()] { DestroyHeap(tag, p); };
}

}  // namespace understudy::store
