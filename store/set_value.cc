#include "store/set_value.h"

#include <charconv>
#include <random>
#include <utility>

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

std::string SetValue::RandomMember() const {
  if (table_ != nullptr) return std::string(table_->nodes.Random(ContainerRng())->key());
  const size_t i = std::uniform_int_distribution<size_t>(0, intset_.size() - 1)(ContainerRng());
  return std::string(IntText(intset_.Get(i)).view());
}

std::vector<std::string> SetValue::RandomMembers(size_t count) const {
  std::vector<std::string> out;
  const size_t n = size();
  count = std::min(count, n);
  if (count == 0) return out;
  out.reserve(count);
  if (table_ == nullptr) {
    for (size_t i : DistinctIndexes(n, count, ContainerRng())) {
      out.emplace_back(IntText(intset_.Get(i)).view());
    }
    return out;
  }
  if (count * 3 > n) {
    // Most of the set: index every member once, then pick among them.
    std::vector<const KeyNode*> nodes;
    nodes.reserve(n);
    table_->nodes.ForEach([&](const KeyNode& node) { nodes.push_back(&node); });
    for (size_t i : DistinctIndexes(n, count, ContainerRng())) out.emplace_back(nodes[i]->key());
    return out;
  }
  // A small part: fair draws, dropping repeats.
  absl::flat_hash_set<const KeyNode*> seen;
  while (out.size() < count) {
    const KeyNode* node = table_->nodes.Random(ContainerRng());
    if (seen.insert(node).second) out.emplace_back(node->key());
  }
  return out;
}

std::string SetValue::PopRandom() {
  std::string member = RandomMember();
  Remove(member);
  return member;
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
