#include "store/set_value.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "store/hash_table.h"
#include "store/numbers.h"

namespace understudy::store::containers {
namespace {

// An intset member's decimal text, in a buffer that outlives the view.
struct IntText {
  explicit IntText(int64_t v)
      : size(std::to_chars(digits, digits + sizeof(digits), v).ptr - digits) {}
  std::string_view view() const { return {digits, size}; }

  char digits[20];
  size_t size;
};

}  // namespace

struct SetValue::Table {
  void Insert(std::string_view member) {
    nodes.Insert(KeyNode::Create(member));
    node_bytes += KeyNode::AllocSize(member.size());
  }
  bool Erase(std::string_view member) {
    KeyNode* node = nodes.Unlink(member);
    if (node == nullptr) return false;
    node_bytes -= KeyNode::AllocSize(node->key().size());
    KeyNode::Free(node);
    return true;
  }

  // Every node, for picking many of them by position: a fair draw from the table probes several
  // buckets, more as the table empties.
  std::vector<const KeyNode*> Index() const {
    std::vector<const KeyNode*> index;
    index.reserve(nodes.size());
    nodes.ForEach([&](const KeyNode& node) { index.push_back(&node); });
    return index;
  }

  HashTable<KeyNode, KeyNodeTraits> nodes;
  size_t node_bytes = 0;  // allocated for nodes, malloc overhead aside
};

SetValue::SetValue() = default;
SetValue::~SetValue() = default;
SetValue::SetValue(SetValue&& other) noexcept = default;
SetValue& SetValue::operator=(SetValue&& other) noexcept = default;

size_t SetValue::size() const { return table_ != nullptr ? table_->nodes.size() : intset_.size(); }

std::string_view SetValue::encoding() const { return table_ != nullptr ? "hashtable" : "intset"; }

void SetValue::ConvertToTable() {
  table_ = std::make_unique<Table>();
  table_->nodes.Reserve(intset_.size() + 1);
  for (size_t i = 0; i < intset_.size(); ++i) table_->Insert(IntText(intset_.Get(i)).view());
  intset_ = Intset();
}

bool SetValue::Add(std::string_view member, const EncodingConfig& config) {
  if (table_ == nullptr) {
    int64_t value;
    if (ParseInt64(member, &value)) {
      if (!intset_.Insert(value)) return false;
      if (intset_.size() > config.set_max_intset_entries) ConvertToTable();
      return true;
    }
    ConvertToTable();
  }
  if (table_->nodes.Find(member) != nullptr) return false;
  table_->Insert(member);
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (table_ != nullptr) return table_->Erase(member);
  int64_t value;
  return ParseInt64(member, &value) && intset_.Erase(value);
}

bool SetValue::Contains(std::string_view member) const {
  if (table_ != nullptr) return table_->nodes.Find(member) != nullptr;
  int64_t value;
  return ParseInt64(member, &value) && intset_.Contains(value);
}

void SetValue::ForEach(absl::FunctionRef<void(std::string_view member)> fn) const {
  if (table_ != nullptr) {
    table_->nodes.ForEach([&](const KeyNode& node) { fn(node.key()); });
    return;
  }
  for (size_t i = 0; i < intset_.size(); ++i) fn(IntText(intset_.Get(i)).view());
}

bool SetValue::ForEachWhile(absl::FunctionRef<bool(std::string_view member)> fn) const {
  if (table_ == nullptr) {
    for (size_t i = 0; i < intset_.size(); ++i) {
      if (!fn(IntText(intset_.Get(i)).view())) return false;
    }
    return true;
  }
  bool going = true;
  uint64_t cursor = 0;
  do {
    cursor = table_->nodes.Scan(cursor, 64, [&](const KeyNode& node) {
      if (going) going = fn(node.key());
    });
  } while (going && cursor != 0);
  return going;
}

void SetValue::RandomMembers(size_t count,
                             absl::FunctionRef<void(std::string_view member)> fn) const {
  const size_t n = size();
  count = std::min(count, n);
  if (count == 0) return;
  if (table_ == nullptr) {
    for (size_t i : DistinctIndexes(n, count, ContainerRng())) fn(IntText(intset_.Get(i)).view());
    return;
  }
  if (count * 3 > n) {
    // Most of the set: pick among all of them.
    const std::vector<const KeyNode*> nodes = table_->Index();
    for (size_t i : DistinctIndexes(n, count, ContainerRng())) fn(nodes[i]->key());
    return;
  }
  // A small part: fair draws, dropping repeats.
  absl::flat_hash_set<const KeyNode*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const KeyNode* node = table_->nodes.Random(ContainerRng());
    if (seen.insert(node).second) fn(node->key());
  }
}

void SetValue::RandomMembersWithRepeats(size_t count,
                                        absl::FunctionRef<void(std::string_view member)> fn) const {
  std::uniform_int_distribution<size_t> index(0, size() - 1);
  if (table_ != nullptr) {
    if (count > size() / 16) {
      const std::vector<const KeyNode*> nodes = table_->Index();
      for (; count > 0; --count) fn(nodes[index(ContainerRng())]->key());
      return;
    }
    for (; count > 0; --count) fn(table_->nodes.Random(ContainerRng())->key());
    return;
  }
  for (; count > 0; --count) fn(IntText(intset_.Get(index(ContainerRng()))).view());
}

void SetValue::PopOne(absl::FunctionRef<void(std::string_view member)> fn) {
  if (table_ != nullptr) {
    const std::string_view member = table_->nodes.Random(ContainerRng())->key();
    fn(member);
    table_->Erase(member);
    return;
  }
  const size_t i = std::uniform_int_distribution<size_t>(0, intset_.size() - 1)(ContainerRng());
  const int64_t value = intset_.Get(i);
  fn(IntText(value).view());
  intset_.Erase(value);
}

void SetValue::ForEachAsCopied(const EncodingConfig& config,
                               absl::FunctionRef<void(std::string_view member)> fn) const {
  if (table_ != nullptr && size() <= config.set_max_intset_entries) {
    std::vector<int64_t> values;
    values.reserve(size());
    bool integers = true;
    table_->nodes.ForEach([&](const KeyNode& node) {
      int64_t value;
      if (!integers) return;
      integers = ParseInt64(node.key(), &value);
      if (integers) values.push_back(value);
    });
    if (integers) {
      std::sort(values.begin(), values.end());
      for (int64_t value : values) fn(IntText(value).view());
      return;
    }
  }
  ForEach(fn);
}

void SetValue::PopRandom(size_t count, const EncodingConfig& config,
                         absl::FunctionRef<void(std::string_view member)> fn) {
  const size_t n = size();
  if (count >= n) {
    ForEachAsCopied(config, fn);
    *this = SetValue();
    return;
  }
  const size_t remaining = n - count;
  if (remaining * 5 <= count) {
    // Most of the set goes: pick the few that stay instead, into a new set as Redis does.
    SetValue kept;
    RandomMembers(remaining, [&](std::string_view member) { kept.Add(member, config); });
    ForEach([&](std::string_view member) {
      if (!kept.Contains(member)) fn(member);
    });
    *this = std::move(kept);
    return;
  }
  if (table_ != nullptr && count > n / 16) {
    // Many from a table: pick them among all members at once.
    const std::vector<const KeyNode*> nodes = table_->Index();
    for (size_t i : DistinctIndexes(n, count, ContainerRng())) {
      const std::string_view member = nodes[i]->key();
      fn(member);
      table_->Erase(member);
    }
    return;
  }
  for (; count > 0; --count) PopOne(fn);
}

uint64_t SetValue::Scan(uint64_t cursor, size_t count,
                        absl::FunctionRef<void(std::string_view member)> fn) const {
  if (table_ == nullptr) {
    ForEach(fn);
    return 0;
  }
  return table_->nodes.Scan(cursor, count, [&](const KeyNode& node) { fn(node.key()); });
}

size_t SetValue::bytes() const {
  if (table_ == nullptr) return sizeof(*this) + intset_.bytes();
  return sizeof(*this) + sizeof(Table) + table_->nodes.bucket_count() * sizeof(KeyNode*) +
         table_->node_bytes;
}

}  // namespace understudy::store::containers
