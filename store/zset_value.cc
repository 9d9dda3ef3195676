#include "store/zset_value.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>

#include "store/hash_table.h"

namespace understudy::store::containers {
namespace {

// The zset order: by score, then by member bytes.
bool Less(double a_score, std::string_view a_member, double b_score, std::string_view b_member) {
  if (a_score != b_score) return a_score < b_score;
  return a_member < b_member;
}

// --- The listpack form: member, score, member, score, ... in zset order. ---
//
// A score that is an integer in int64 range is stored as one (a few bytes); any other is stored
// as its shortest round-trip decimal text. That text can look like an integer only when the
// value is one beyond int64, which the listpack keeps as a string: either way it reads back as
// the same double. -0 is stored as the integer 0 and reads back as 0, as in Redis's listpack
// (a skiplist keeps the sign).

double DecodeScore(const LpValue& value) {
  if (value.is_int()) return static_cast<double>(value.integer());
  const std::string_view text = value.view();
  double score = 0;
  std::from_chars(text.data(), text.data() + text.size(), score);
  return score;
}

double ScoreAt(const Listpack& lp, size_t score_pos) { return DecodeScore(lp.Get(score_pos)); }

void InsertScore(Listpack& lp, size_t pos, double score) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (score >= -kTwoTo63 && score < kTwoTo63 && std::trunc(score) == score) {
    lp.InsertInt(pos, static_cast<int64_t>(score));
    return;
  }
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), score);
  lp.Insert(pos, std::string_view(text, result.ptr - text));
}

// Inserts the pair before the first pair that sorts after it.
void InsertSorted(Listpack& lp, std::string_view member, double score) {
  size_t pos = lp.Front();
  while (pos != Listpack::kEnd) {
    const size_t score_pos = lp.Next(pos);
    if (Less(score, member, ScoreAt(lp, score_pos), lp.Get(pos).view())) break;
    pos = lp.Next(score_pos);
  }
  const size_t member_pos = lp.Insert(pos, member);
  InsertScore(lp, lp.Next(member_pos), score);
}

void ErasePair(Listpack& lp, size_t member_pos) { lp.Erase(lp.Erase(member_pos)); }

size_t FindMember(const Listpack& lp, std::string_view member) {
  return lp.empty() ? Listpack::kEnd : lp.Find(member, lp.Front(), 2);
}

// --- The skiplist form. ---

constexpr int kMaxLevel = 32;

// Levels as in Redis's skiplist: each further level with probability 1/4, two random bits each.
int RandomLevel() {
  uint64_t bits = ContainerRng()();
  int level = 1;
  while (level < kMaxLevel && (bits & 3) == 0) {
    ++level;
    bits >>= 2;
  }
  return level;
}

// One allocation per member: this header, `level_count` links, then the member after a packed
// length. It is at once the skiplist node and the member index's hash node.
class Node {
 public:
  struct Link {
    Node* forward;
    // Nodes from this one to `forward`: rank(forward) - rank(this), with the header's rank 0;
    // to the end of the list when forward is null.
    size_t span;
  };

  static Node* Create(int levels, std::string_view member, double score) {
    void* memory = ::operator new(AllocSize(levels, member.size()));
    auto* node = new (memory) Node(levels, score);
    for (int i = 0; i < levels; ++i) node->links()[i] = {nullptr, 0};
    packed::PutString(reinterpret_cast<char*>(node->links() + levels), member);
    return node;
  }
  // The list head: every level, no member (member() must not be called on it).
  static Node* CreateHead() {
    auto* node = new (::operator new(HeadSize())) Node(kMaxLevel, 0);
    for (int i = 0; i < kMaxLevel; ++i) node->links()[i] = {nullptr, 0};
    return node;
  }
  static size_t HeadSize() { return sizeof(Node) + kMaxLevel * sizeof(Link); }
  static void Free(Node* node) { ::operator delete(node); }
  static size_t AllocSize(int levels, size_t member_size) {
    return sizeof(Node) + levels * sizeof(Link) + packed::PrefixSize(member_size) + member_size;
  }

  Link* links() { return reinterpret_cast<Link*>(this + 1); }
  const Link* links() const { return reinterpret_cast<const Link*>(this + 1); }
  Node* next() const { return links()[0].forward; }
  std::string_view member() const {
    const char* end;
    return packed::GetString(reinterpret_cast<const char*>(links() + level_count), &end);
  }
  size_t alloc_size() const { return AllocSize(level_count, member().size()); }
  bool Before(double score, std::string_view member) const {
    return Less(this->score, this->member(), score, member);
  }

  Node* hash_next = nullptr;
  Node* backward = nullptr;  // null for the first node
  double score;
  uint8_t level_count;

 private:
  Node(int levels, double s) : score(s), level_count(static_cast<uint8_t>(levels)) {}
};

// The member index owns the nodes.
struct NodeTraits {
  static std::string_view Key(const Node& node) { return node.member(); }
  static uint64_t Hash(std::string_view key) { return base::StringHash{}(key); }
  static Node*& Next(Node& node) { return node.hash_next; }
  static void Destroy(Node* node) { Node::Free(node); }
};

}  // namespace

// A skiplist with spans (so ranks cost O(log N)) over nodes that a member index finds by name.
class ZSetValue::Skiplist {
 public:
  Skiplist() : header_(Node::CreateHead()) {}
  ~Skiplist() { Node::Free(header_); }  // the index frees the member nodes
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t size() const { return size_; }
  Node* Find(std::string_view member) const { return index_.Find(member); }
  void Reserve(size_t count) { index_.Reserve(count); }

  void Insert(std::string_view member, double score) {
    Node* update[kMaxLevel];
    size_t ranks[kMaxLevel];
    Descend([&](const Node& n) { return n.Before(score, member); }, update, ranks);
    Node* node = Node::Create(RandomLevel(), member, score);
    Link(node, update, ranks);
    index_.Insert(node);
    node_bytes_ += node->alloc_size();
  }

  void Delete(Node* node) {
    Node* update[kMaxLevel];
    Descend([&](const Node& n) { return n.Before(node->score, node->member()); }, update, nullptr);
    Unlink(node, update);
    Drop(node);
  }

  void UpdateScore(Node* node, double score) {
    const std::string_view member = node->member();
    Node* next = node->next();
    // Still between its neighbours: the score changes in place.
    if ((node->backward == nullptr || node->backward->Before(score, member)) &&
        (next == nullptr || !next->Before(score, member))) {
      node->score = score;
      return;
    }
    Node* update[kMaxLevel];
    size_t ranks[kMaxLevel];
    Descend([&](const Node& n) { return n.Before(node->score, member); }, update, nullptr);
    Unlink(node, update);
    node->score = score;
    Descend([&](const Node& n) { return n.Before(score, member); }, update, ranks);
    Link(node, update, ranks);
  }

  // Nodes before the first for which before(node) is false (before must hold for a prefix of
  // the list).
  template <typename Before>
  size_t CountWhile(Before before) const {
    return Descend(before, nullptr, nullptr);
  }

  size_t RankOf(const Node& node) const {
    return CountWhile([&](const Node& n) { return n.Before(node.score, node.member()); });
  }

  // The node at 0-based rank, or nullptr.
  Node* AtRank(size_t rank) const {
    Node* update[kMaxLevel];
    Node* x = PredecessorsOfRank(rank, update);
    return x->next();
  }

  // Deletes the nodes at ranks [first, last]; returns how many.
  size_t EraseRanks(size_t first, size_t last) {
    Node* update[kMaxLevel];
    Node* node = PredecessorsOfRank(first, update)->next();
    size_t erased = 0;
    // The predecessors stay right for each next node: the one deleted was their only node in
    // between.
    for (; node != nullptr && first + erased <= last; ++erased) {
      Node* next = node->next();
      Unlink(node, update);
      Drop(node);
      node = next;
    }
    return erased;
  }

  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t count, Fn&& fn) const {
    return index_.Scan(cursor, count, fn);
  }

  size_t bytes() const {
    return sizeof(*this) + Node::HeadSize() + node_bytes_ + index_.bucket_count() * sizeof(Node*);
  }

 private:
  // Walks down from the top level, moving forward while before(next node) holds. Fills, per
  // level, the last node passed (update) and its rank (ranks); returns how many nodes were
  // passed (the rank of the last one).
  template <typename Before>
  size_t Descend(Before before, Node** update, size_t* ranks) const {
    Node* x = header_;
    size_t rank = 0;
    for (int i = level_ - 1; i >= 0; --i) {
      for (Node* f = x->links()[i].forward; f != nullptr && before(*f); f = x->links()[i].forward) {
        rank += x->links()[i].span;
        x = f;
      }
      if (update != nullptr) update[i] = x;
      if (ranks != nullptr) ranks[i] = rank;
    }
    return rank;
  }

  // Fills update with the last node before 0-based rank `rank` at every level; returns the one
  // of the bottom level.
  Node* PredecessorsOfRank(size_t rank, Node** update) const {
    Node* x = header_;
    size_t traversed = 0;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->links()[i].forward != nullptr && traversed + x->links()[i].span <= rank) {
        traversed += x->links()[i].span;
        x = x->links()[i].forward;
      }
      update[i] = x;
    }
    return x;
  }

  // Links node after update[i] on each of its levels; ranks[i] is update[i]'s rank.
  void Link(Node* node, Node** update, size_t* ranks) {
    const int level = node->level_count;
    for (; level_ < level; ++level_) {
      update[level_] = header_;
      ranks[level_] = 0;
      header_->links()[level_] = {nullptr, size_};
    }
    const size_t before = ranks[0];  // nodes before the new one
    for (int i = 0; i < level; ++i) {
      Node::Link& prev = update[i]->links()[i];
      node->links()[i] = {prev.forward, prev.span - (before - ranks[i])};
      prev = {node, before - ranks[i] + 1};
    }
    for (int i = level; i < level_; ++i) ++update[i]->links()[i].span;
    node->backward = update[0] == header_ ? nullptr : update[0];
    if (Node* next = node->next()) {
      next->backward = node;
    } else {
      tail_ = node;
    }
    ++size_;
  }

  // Takes node out of the list; update[i] are its predecessors.
  void Unlink(Node* node, Node** update) {
    for (int i = 0; i < level_; ++i) {
      Node::Link& prev = update[i]->links()[i];
      if (prev.forward == node) {
        prev = {node->links()[i].forward, prev.span + node->links()[i].span - 1};
      } else {
        --prev.span;
      }
    }
    if (Node* next = node->next()) {
      next->backward = node->backward;
    } else {
      tail_ = node->backward;
    }
    while (level_ > 1 && header_->links()[level_ - 1].forward == nullptr) --level_;
    --size_;
  }

  // Drops an unlinked node from the index and frees it.
  void Drop(Node* node) {
    node_bytes_ -= node->alloc_size();
    index_.Erase(node->member());
  }

  Node* header_;  // Node::CreateHead()
  Node* tail_ = nullptr;
  int level_ = 1;  // levels in use
  size_t size_ = 0;
  size_t node_bytes_ = 0;
  HashTable<Node, NodeTraits> index_;
};

// --- Ranges ---

namespace {

// strtod over text up to its first NUL byte, as Redis reads a float argument (its strings end in
// one). *consumed gets the bytes read, *out_of_range whether strtod set ERANGE.
double ReadDouble(std::string_view text, size_t* consumed, bool* out_of_range) {
  char small[64];
  std::string large;
  const char* terminated = small;
  if (text.size() < sizeof(small)) {
    text.copy(small, text.size());
    small[text.size()] = '\0';
  } else {
    large.assign(text);
    terminated = large.c_str();
  }
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(terminated, &end);
  *consumed = static_cast<size_t>(end - terminated);
  *out_of_range = errno == ERANGE;
  return value;
}

}  // namespace

bool ParseScore(std::string_view text, double* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  size_t consumed;
  bool out_of_range;
  const double value = ReadDouble(text, &consumed, &out_of_range);
  if (consumed != text.size() || std::isnan(value)) return false;
  if (out_of_range && (std::isinf(value) || value == 0)) return false;
  *out = value;
  return true;
}

bool ScoreRange::Parse(std::string_view min, std::string_view max, ScoreRange* out) {
  const auto parse = [](std::string_view s, double* value, bool* exclusive) {
    *exclusive = !s.empty() && s[0] == '(';
    if (*exclusive) s.remove_prefix(1);
    size_t consumed;
    bool out_of_range;
    *value = ReadDouble(s, &consumed, &out_of_range);
    return (consumed == s.size() || s[consumed] == '\0') && !std::isnan(*value);
  };
  return parse(min, &out->min, &out->min_exclusive) && parse(max, &out->max, &out->max_exclusive);
}

bool LexRange::Parse(std::string_view min, std::string_view max, LexRange* out) {
  const auto parse = [](std::string_view s, Bound* bound) {
    if (s == "-" || s == "+") {
      *bound = {s == "-" ? Kind::kMinusInfinity : Kind::kPlusInfinity, {}};
      return true;
    }
    if (s.empty() || (s[0] != '[' && s[0] != '(')) return false;
    *bound = {s[0] == '[' ? Kind::kInclusive : Kind::kExclusive, std::string(s.substr(1))};
    return true;
  };
  return parse(min, &out->min) && parse(max, &out->max);
}

bool LexRange::AboveMin(std::string_view member) const {
  switch (min.kind) {
    case Kind::kMinusInfinity:
      return true;
    case Kind::kPlusInfinity:
      return false;
    case Kind::kInclusive:
      return member >= min.value;
    case Kind::kExclusive:
      return member > min.value;
  }
  return false;
}

bool LexRange::BelowMax(std::string_view member) const {
  switch (max.kind) {
    case Kind::kMinusInfinity:
      return false;
    case Kind::kPlusInfinity:
      return true;
    case Kind::kInclusive:
      return member <= max.value;
    case Kind::kExclusive:
      return member < max.value;
  }
  return false;
}

// --- ZSetValue ---

ZSetValue::ZSetValue() = default;
ZSetValue::~ZSetValue() = default;
ZSetValue::ZSetValue(ZSetValue&& other) noexcept = default;
ZSetValue& ZSetValue::operator=(ZSetValue&& other) noexcept = default;

size_t ZSetValue::size() const {
  return skiplist_ != nullptr ? skiplist_->size() : listpack_.size() / 2;
}

std::string_view ZSetValue::encoding() const {
  return skiplist_ != nullptr ? "skiplist" : "listpack";
}

void ZSetValue::ConvertToSkiplist() {
  auto skiplist = std::make_unique<Skiplist>();
  skiplist->Reserve(size() + 1);
  for (size_t pos = listpack_.Front(); pos != Listpack::kEnd;) {
    const size_t score_pos = listpack_.Next(pos);
    skiplist->Insert(listpack_.Get(pos).view(), ScoreAt(listpack_, score_pos));
    pos = listpack_.Next(score_pos);
  }
  skiplist_ = std::move(skiplist);
  listpack_ = Listpack();
}

ZAddResult ZSetValue::Add(std::string_view member, double score, ZAddFlags flags,
                          const EncodingConfig& config) {
  ZAddResult result;
  if (std::isnan(score)) {
    result.nan = true;
    return result;
  }
  Node* node = nullptr;
  size_t pos = Listpack::kEnd;
  if (skiplist_ != nullptr) {
    node = skiplist_->Find(member);
  } else {
    pos = FindMember(listpack_, member);
  }

  if (node == nullptr && pos == Listpack::kEnd) {
    if (flags.xx) {
      result.skipped = true;
      return result;
    }
    if (NeedsSkiplistFor(member, config)) ConvertToSkiplist();
    if (skiplist_ != nullptr) {
      skiplist_->Insert(member, score);
    } else {
      InsertSorted(listpack_, member, score);
    }
    result.added = true;
    result.score = score;
    return result;
  }

  const double current = node != nullptr ? node->score : ScoreAt(listpack_, listpack_.Next(pos));
  if (flags.nx) {
    result.skipped = true;
    return result;
  }
  if (flags.incr) {
    score += current;
    if (std::isnan(score)) {
      result.nan = true;
      return result;
    }
  }
  if ((flags.lt && score >= current) || (flags.gt && score <= current)) {
    result.skipped = true;
    return result;
  }
  result.score = score;
  if (score == current) return result;
  result.updated = true;
  if (node != nullptr) {
    skiplist_->UpdateScore(node, score);
  } else {
    ErasePair(listpack_, pos);
    InsertSorted(listpack_, member, score);
  }
  return result;
}

std::optional<double> ZSetValue::Score(std::string_view member) const {
  if (skiplist_ != nullptr) {
    const Node* node = skiplist_->Find(member);
    if (node == nullptr) return std::nullopt;
    return node->score;
  }
  const size_t pos = FindMember(listpack_, member);
  if (pos == Listpack::kEnd) return std::nullopt;
  return ScoreAt(listpack_, listpack_.Next(pos));
}

bool ZSetValue::Remove(std::string_view member) {
  if (skiplist_ != nullptr) {
    Node* node = skiplist_->Find(member);
    if (node == nullptr) return false;
    skiplist_->Delete(node);
    return true;
  }
  const size_t pos = FindMember(listpack_, member);
  if (pos == Listpack::kEnd) return false;
  ErasePair(listpack_, pos);
  return true;
}

std::optional<size_t> ZSetValue::Rank(std::string_view member, bool reverse) const {
  std::optional<size_t> rank;
  if (skiplist_ != nullptr) {
    if (const Node* node = skiplist_->Find(member)) rank = skiplist_->RankOf(*node);
  } else {
    size_t i = 0;
    for (size_t pos = listpack_.Front(); pos != Listpack::kEnd; pos = listpack_.Next(pos), ++i) {
      if (listpack_.Equals(pos, member)) {
        rank = i;
        break;
      }
      pos = listpack_.Next(pos);
    }
  }
  if (rank && reverse) *rank = size() - 1 - *rank;
  return rank;
}

bool ZSetValue::NeedsSkiplistFor(std::string_view member, const EncodingConfig& config) const {
  return skiplist_ == nullptr && (size() + 1 > config.zset_max_listpack_entries ||
                                  member.size() > config.zset_max_listpack_value);
}

void ZSetValue::AppendSorted(std::string_view member, double score, const EncodingConfig& config) {
  if (NeedsSkiplistFor(member, config)) ConvertToSkiplist();
  if (skiplist_ != nullptr) {
    skiplist_->Insert(member, score);
    return;
  }
  listpack_.Insert(Listpack::kEnd, member);
  InsertScore(listpack_, Listpack::kEnd, score);
}

ZSetValue::Span ZSetValue::RankSpan(int64_t start, int64_t stop, bool reverse) const {
  const auto n = static_cast<int64_t>(size());
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  start = std::max<int64_t>(start, 0);
  if (start > stop || start >= n) return std::nullopt;
  stop = std::min(stop, n - 1);
  // Ranks counted from the top: turn them into ascending ones.
  if (reverse)
    return std::make_pair(static_cast<size_t>(n - 1 - stop), static_cast<size_t>(n - 1 - start));
  return std::make_pair(static_cast<size_t>(start), static_cast<size_t>(stop));
}

// In the skiplist: the members in range found by rank in O(log N), then offset and limit (the
// members are in range order there whenever a range is defined: scores, or members of equal
// scores).
//
// In the listpack: Redis's walk, step by step, which is defined whatever the order (a lex range
// over unequal scores): nothing unless the last member is above min and the first below max;
// then from the first member above min (the last below max if reverse), which must be in
// range, skip `offset` members unchecked and take members while they stay below max (above min)
// up to `limit`.
template <typename AboveMin, typename BelowMax>
ZSetValue::Span ZSetValue::MatchSpan(AboveMin above_min, BelowMax below_max, bool reverse,
                                     size_t offset, size_t limit) const {
  if (skiplist_ != nullptr) {
    const size_t first =
        skiplist_->CountWhile([&](const Node& n) { return !above_min(n.member(), n.score); });
    const size_t end =
        skiplist_->CountWhile([&](const Node& n) { return below_max(n.member(), n.score); });
    if (first >= end) return std::nullopt;
    return Limit(std::make_pair(first, end - 1), reverse, offset, limit);
  }
  const auto in = [&](size_t pos, const auto& bound) {
    return bound(listpack_.Get(pos).view(), ScoreAt(listpack_, listpack_.Next(pos)));
  };
  const size_t n = size();
  if (n == 0 || limit == 0) return std::nullopt;
  const size_t back = listpack_.Seek(-2);
  if (!in(back, above_min) || !in(listpack_.Front(), below_max)) return std::nullopt;
  // Steps one pair towards the end the walk goes to.
  const auto step = [&](size_t pos) {
    if (!reverse) return listpack_.Next(listpack_.Next(pos));
    const size_t score_before = listpack_.Prev(pos);
    return score_before == Listpack::kEnd ? Listpack::kEnd : listpack_.Prev(score_before);
  };
  // Where the walk starts, and how long it goes on.
  const auto enters = [&](size_t pos) { return reverse ? in(pos, below_max) : in(pos, above_min); };
  const auto stays = [&](size_t pos) { return reverse ? in(pos, above_min) : in(pos, below_max); };
  size_t pos = reverse ? back : listpack_.Front();
  size_t skipped = 0;  // pairs walked past from the walk's own end
  while (!enters(pos)) {
    pos = step(pos);
    ++skipped;
  }
  if (!stays(pos) || offset >= n - skipped) return std::nullopt;
  for (size_t i = 0; i < offset; ++i) pos = step(pos);
  skipped += offset;
  size_t count = 0;
  for (; pos != Listpack::kEnd && count < limit && stays(pos); pos = step(pos)) ++count;
  if (count == 0) return std::nullopt;
  if (reverse) return std::make_pair(n - skipped - count, n - 1 - skipped);
  return std::make_pair(skipped, skipped + count - 1);
}

ZSetValue::Span ZSetValue::ScoreSpan(const ScoreRange& range, bool reverse, size_t offset,
                                     size_t limit) const {
  return MatchSpan([&](std::string_view, double score) { return range.AboveMin(score); },
                   [&](std::string_view, double score) { return range.BelowMax(score); }, reverse,
                   offset, limit);
}

ZSetValue::Span ZSetValue::LexSpan(const LexRange& range, bool reverse, size_t offset,
                                   size_t limit) const {
  return MatchSpan([&](std::string_view member, double) { return range.AboveMin(member); },
                   [&](std::string_view member, double) { return range.BelowMax(member); }, reverse,
                   offset, limit);
}

ZSetValue::Span ZSetValue::EndSpan(size_t count, bool max) const {
  const size_t n = size();
  count = std::min(count, n);
  if (count == 0) return std::nullopt;
  return max ? std::make_pair(n - count, n - 1) : std::make_pair(size_t{0}, count - 1);
}

ZSetValue::Span ZSetValue::Limit(Span span, bool reverse, size_t offset, size_t limit) {
  if (!span) return span;
  auto [first, last] = *span;
  const size_t available = last - first + 1;
  if (offset >= available || limit == 0) return std::nullopt;
  const size_t count = std::min(available - offset, limit);
  if (reverse) {
    last -= offset;
    first = last - count + 1;
  } else {
    first += offset;
    last = first + count - 1;
  }
  return std::make_pair(first, last);
}

void ZSetValue::Emit(const Span& span, bool reverse, EntryFn fn) const {
  if (!span) return;
  const auto [first, last] = *span;
  const size_t count = last - first + 1;
  if (skiplist_ != nullptr) {
    const Node* node = skiplist_->AtRank(reverse ? last : first);
    for (size_t i = 0; i < count; ++i) {
      fn(node->member(), node->score);
      node = reverse ? node->backward : node->next();
    }
    return;
  }
  size_t pos = listpack_.Seek(static_cast<int64_t>(2 * (reverse ? last : first)));
  for (size_t i = 0; i < count; ++i) {
    const size_t score_pos = listpack_.Next(pos);
    fn(listpack_.Get(pos).view(), ScoreAt(listpack_, score_pos));
    pos = reverse ? listpack_.Prev(listpack_.Prev(pos)) : listpack_.Next(score_pos);
  }
}

size_t ZSetValue::Erase(const Span& span) {
  if (!span) return 0;
  const auto [first, last] = *span;
  if (skiplist_ != nullptr) return skiplist_->EraseRanks(first, last);
  listpack_.EraseRange(2 * first, 2 * (last - first + 1));
  return last - first + 1;
}

void ZSetValue::RandomMembers(size_t count, bool distinct, EntryFn fn) const {
  const size_t n = size();
  // A listpack finds its members' positions once rather than seeking each pick.
  std::vector<size_t> positions;
  if (skiplist_ == nullptr) {
    positions.reserve(n);
    for (size_t pos = listpack_.Front(); pos != Listpack::kEnd;
         pos = listpack_.Next(listpack_.Next(pos))) {
      positions.push_back(pos);
    }
  }
  const auto emit_rank = [&](size_t rank) {
    if (skiplist_ != nullptr) return Emit(std::make_pair(rank, rank), false, fn);
    const size_t pos = positions[rank];
    fn(listpack_.Get(pos).view(), ScoreAt(listpack_, listpack_.Next(pos)));
  };
  std::mt19937_64& rng = ContainerRng();
  if (distinct) {
    for (size_t rank : DistinctIndexes(n, std::min(count, n), rng)) emit_rank(rank);
    return;
  }
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  for (size_t i = 0; i < count; ++i) emit_rank(pick(rng));
}

uint64_t ZSetValue::Scan(uint64_t cursor, size_t count, EntryFn fn) const {
  if (skiplist_ != nullptr) {
    return skiplist_->Scan(cursor, count, [&](const Node& node) { fn(node.member(), node.score); });
  }
  Emit(RankSpan(0, -1, false), false, fn);
  return 0;
}

size_t ZSetValue::bytes() const {
  if (skiplist_ != nullptr) return sizeof(*this) + skiplist_->bytes();
  return sizeof(*this) + listpack_.capacity();
}

}  // namespace understudy::store::containers
