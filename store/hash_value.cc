#include "store/hash_value.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "store/hash_table.h"

namespace understudy::store::containers {

struct HashValue::Table {
  void Insert(std::string_view field, std::string_view value) {
    nodes.Insert(KeyValueNode::Create(field, value));
    node_bytes += KeyValueNode::AllocSize(field.size(), value.size());
  }
  void Assign(KeyValueNode* node, std::string_view value) {
    const std::string_view field = node->key();
    if (node->value().size() == value.size()) {
      node->OverwriteValue(value);
      return;
    }
    KeyValueNode* fresh = KeyValueNode::Create(field, value);
    nodes.Replace(node, fresh);
    node_bytes += KeyValueNode::AllocSize(field.size(), value.size());
    Free(node);
  }
  bool Erase(std::string_view field) {
    KeyValueNode* node = nodes.Unlink(field);
    if (node == nullptr) return false;
    Free(node);
    return true;
  }
  void Free(KeyValueNode* node) {
    node_bytes -= KeyValueNode::AllocSize(node->key().size(), node->value().size());
    KeyValueNode::Free(node);
  }

  HashTable<KeyValueNode, KeyValueNodeTraits> nodes;
  size_t node_bytes = 0;  // allocated for nodes, malloc overhead aside
};

HashValue::HashValue() = default;
HashValue::~HashValue() = default;
HashValue::HashValue(HashValue&& other) noexcept = default;
HashValue& HashValue::operator=(HashValue&& other) noexcept = default;

size_t HashValue::size() const {
  return table_ != nullptr ? table_->nodes.size() : listpack_.size() / 2;
}

std::string_view HashValue::encoding() const {
  return table_ != nullptr ? "hashtable" : "listpack";
}

size_t HashValue::FindField(std::string_view field) const {
  return listpack_.empty() ? Listpack::kEnd : listpack_.Find(field, listpack_.Front(), 2);
}

void HashValue::ConvertToTable() {
  auto table = std::make_unique<Table>();
  table->nodes.Reserve(size() + 1);
  ForEach([&](std::string_view field, std::string_view value) { table->Insert(field, value); });
  table_ = std::move(table);
  listpack_ = Listpack();
}

bool HashValue::Set(std::string_view field, std::string_view value, const EncodingConfig& config) {
  if (table_ == nullptr) {
    // Lengths are checked before the change, the entry count after any change (an update too,
    // which matters once the limit was lowered), as Redis does.
    if (field.size() > config.hash_max_listpack_value ||
        value.size() > config.hash_max_listpack_value) {
      ConvertToTable();
    } else {
      const size_t pos = FindField(field);
      const bool added = pos == Listpack::kEnd;
      if (added) {
        listpack_.PushBack(field);
        listpack_.PushBack(value);
      } else {
        listpack_.Replace(listpack_.Next(pos), value);
      }
      if (size() > config.hash_max_listpack_entries) ConvertToTable();
      return added;
    }
  }
  if (KeyValueNode* node = table_->nodes.Find(field)) {
    table_->Assign(node, value);
    return false;
  }
  table_->Insert(field, value);
  return true;
}

bool HashValue::SetIfMissing(std::string_view field, std::string_view value,
                             const EncodingConfig& config) {
  return !Contains(field) && Set(field, value, config);
}

std::optional<LpValue> HashValue::GetView(std::string_view field) const {
  if (table_ != nullptr) {
    const KeyValueNode* node = table_->nodes.Find(field);
    if (node == nullptr) return std::nullopt;
    return LpValue::String(node->value());
  }
  const size_t pos = FindField(field);
  if (pos == Listpack::kEnd) return std::nullopt;
  return listpack_.Get(listpack_.Next(pos));
}

std::optional<std::string> HashValue::Get(std::string_view field) const {
  const std::optional<LpValue> value = GetView(field);
  if (!value) return std::nullopt;
  return value->str();
}

bool HashValue::Erase(std::string_view field) {
  if (table_ != nullptr) return table_->Erase(field);
  const size_t pos = FindField(field);
  if (pos == Listpack::kEnd) return false;
  listpack_.Erase(listpack_.Erase(pos));
  return true;
}

bool HashValue::Contains(std::string_view field) const {
  if (table_ != nullptr) return table_->nodes.Find(field) != nullptr;
  return FindField(field) != Listpack::kEnd;
}

size_t HashValue::StrLen(std::string_view field) const {
  if (table_ != nullptr) {
    const KeyValueNode* node = table_->nodes.Find(field);
    return node != nullptr ? node->value().size() : 0;
  }
  const size_t pos = FindField(field);
  return pos != Listpack::kEnd ? listpack_.Get(listpack_.Next(pos)).view().size() : 0;
}

void HashValue::ForEach(PairFn fn) const {
  if (table_ != nullptr) {
    table_->nodes.ForEach([&](const KeyValueNode& node) { fn(node.key(), node.value()); });
    return;
  }
  for (size_t pos = listpack_.Front(); pos != Listpack::kEnd;) {
    const size_t value_pos = listpack_.Next(pos);
    const LpValue field = listpack_.Get(pos);
    const LpValue value = listpack_.Get(value_pos);
    fn(field.view(), value.view());
    pos = listpack_.Next(value_pos);
  }
}

namespace {

// Calls fn with the listpack's field at pos and the value after it.
void VisitPair(const Listpack& lp, size_t pos, HashValue::PairFn fn) {
  const LpValue field = lp.Get(pos);
  const LpValue value = lp.Get(lp.Next(pos));
  fn(field.view(), value.view());
}

}  // namespace

void HashValue::RandomFields(size_t count, PairFn fn) const {
  const size_t n = size();
  if (count >= n) return ForEach(fn);
  if (count == 0) return;
  if (table_ == nullptr) {
    std::vector<size_t> picked = DistinctIndexes(n, count, ContainerRng());
    std::sort(picked.begin(), picked.end());
    size_t pos = listpack_.Front();
    size_t index = 0;
    for (const size_t wanted : picked) {
      for (; index < wanted; ++index) pos = listpack_.Next(listpack_.Next(pos));
      VisitPair(listpack_, pos, fn);
    }
    return;
  }
  const auto visit = [&](const KeyValueNode* node) { fn(node->key(), node->value()); };
  if (count * 3 > n) {
    // Most of the hash: index every field once, then pick among them.
    std::vector<const KeyValueNode*> nodes;
    nodes.reserve(n);
    table_->nodes.ForEach([&](const KeyValueNode& node) { nodes.push_back(&node); });
    for (size_t i : DistinctIndexes(n, count, ContainerRng())) visit(nodes[i]);
    return;
  }
  // A small part: fair draws, dropping repeats.
  absl::flat_hash_set<const KeyValueNode*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const KeyValueNode* node = table_->nodes.Random(ContainerRng());
    if (seen.insert(node).second) visit(node);
  }
}

void HashValue::RandomFieldsWithRepeats(size_t count, PairFn fn) const {
  std::mt19937_64& rng = ContainerRng();
  if (table_ != nullptr) {
    for (size_t i = 0; i < count; ++i) {
      const KeyValueNode* node = table_->nodes.Random(rng);
      fn(node->key(), node->value());
    }
    return;
  }
  std::uniform_int_distribution<size_t> pick(0, size() - 1);
  if (count == 1) {
    return VisitPair(listpack_, listpack_.Seek(static_cast<int64_t>(2 * pick(rng))), fn);
  }
  // Where each pair starts, found in one walk, so that every draw is O(1).
  std::vector<size_t> starts;
  starts.reserve(size());
  for (size_t pos = listpack_.Front(); pos != Listpack::kEnd;) {
    starts.push_back(pos);
    pos = listpack_.Next(listpack_.Next(pos));
  }
  for (size_t i = 0; i < count; ++i) VisitPair(listpack_, starts[pick(rng)], fn);
}

uint64_t HashValue::Scan(uint64_t cursor, size_t count, PairFn fn) const {
  if (table_ == nullptr) {
    ForEach(fn);
    return 0;
  }
  return table_->nodes.Scan(cursor, count,
                            [&](const KeyValueNode& node) { fn(node.key(), node.value()); });
}

size_t HashValue::bytes() const {
  if (table_ == nullptr) return sizeof(*this) + listpack_.capacity();
  return sizeof(*this) + sizeof(Table) + table_->nodes.bucket_count() * sizeof(KeyValueNode*) +
         table_->node_bytes;
}

}  // namespace understudy::store::containers
