#include "store/list_value.h"

#include <algorithm>

namespace understudy::store {
namespace {

constexpr size_t kEnd = Listpack::kEnd;
// With a positive fill Redis still keeps a node under 8 KB unless it holds a single element.
constexpr size_t kSafetyLimit = 8192;
constexpr int kMinFill = -5;
constexpr int kMaxFill = 32767;

size_t NodeBytes(const Listpack& lp) { return lp.empty() ? Listpack::kHeaderSize : lp.bytes(); }

// Turns a Redis-style index into a 0-based one; false if out of range.
bool Normalize(int64_t index, size_t size, size_t* out) {
  if (index < 0) index += static_cast<int64_t>(size);
  if (index < 0 || static_cast<size_t>(index) >= size) return false;
  *out = static_cast<size_t>(index);
  return true;
}

}  // namespace

ListValue::ListValue(int fill) { set_fill(fill); }

ListValue::ListValue(const ListValue& other) : fill_(other.fill_) {
  for (const Node* n = other.head_; n != nullptr; n = n->next) NewNodeAfter(tail_)->lp = n->lp;
  size_ = other.size_;
}

ListValue& ListValue::operator=(const ListValue& other) {
  if (this != &other) *this = ListValue(other);
  return *this;
}

ListValue::ListValue(ListValue&& other) noexcept
    : head_(std::exchange(other.head_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      node_count_(std::exchange(other.node_count_, 0)),
      fill_(other.fill_) {}

ListValue& ListValue::operator=(ListValue&& other) noexcept {
  if (this != &other) {
    Clear();
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    size_ = std::exchange(other.size_, 0);
    node_count_ = std::exchange(other.node_count_, 0);
    fill_ = other.fill_;
  }
  return *this;
}

ListValue::~ListValue() { Clear(); }

size_t ListValue::bytes() const {
  size_t total = sizeof(*this) + node_count_ * sizeof(Node);
  for (const Node* n = head_; n != nullptr; n = n->next) total += n->lp.capacity();
  return total;
}

void ListValue::PushFront(std::string_view v) {
  if (head_ == nullptr || !FitsOneMore(head_, v)) {
    // The old head is full and pushes go elsewhere from now on: drop its growth room.
    if (head_ != nullptr) head_->lp.ShrinkToFit();
    NewNodeAfter(nullptr);
  }
  head_->lp.PushFront(v);
  ++size_;
}

void ListValue::PushBack(std::string_view v) {
  if (tail_ == nullptr || !FitsOneMore(tail_, v)) {
    if (tail_ != nullptr) tail_->lp.ShrinkToFit();
    NewNodeAfter(tail_);
  }
  tail_->lp.PushBack(v);
  ++size_;
}

std::optional<std::string> ListValue::PopFront() {
  if (head_ == nullptr) return std::nullopt;
  return TakeFrom(head_, head_->lp.Front());
}

std::optional<std::string> ListValue::PopBack() {
  if (tail_ == nullptr) return std::nullopt;
  return TakeFrom(tail_, tail_->lp.Back());
}

std::optional<std::string> ListValue::Index(int64_t index) const {
  size_t i;
  if (!Normalize(index, size_, &i)) return std::nullopt;
  const auto [n, pos] = Locate(i);
  return n->lp.Get(pos).str();
}

bool ListValue::Set(int64_t index, std::string_view v) {
  size_t i;
  if (!Normalize(index, size_, &i)) return false;
  const auto [n, pos] = Locate(i);
  const size_t others = n->lp.bytes() - n->lp.EntrySize(pos);
  if (Fits(n->lp.size(), others + Listpack::EncodedSize(v))) {
    n->lp.Replace(pos, v);
    return true;
  }
  // Too big for this node: take the old element out and insert the new one as LINSERT would.
  // A node with a single element always fits, so n keeps at least one.
  const size_t next = n->lp.Erase(pos);
  --size_;
  InsertAt(n, next, v);
  return true;
}

bool ListValue::Insert(std::string_view pivot, std::string_view v, bool after) {
  for (Node* n = head_; n != nullptr; n = n->next) {
    const size_t pos = n->lp.Find(pivot, n->lp.Front());
    if (pos != kEnd) {
      InsertAt(n, after ? n->lp.Next(pos) : pos, v);
      return true;
    }
  }
  return false;
}

size_t ListValue::Remove(std::string_view v, int64_t count) {
  // The magnitude of INT64_MIN does not fit an int64: negate as unsigned.
  const size_t limit = count == 0  ? SIZE_MAX
                       : count > 0 ? static_cast<size_t>(count)
                                   : 0 - static_cast<size_t>(count);
  size_t removed = 0;
  if (count >= 0) {
    Node* n = head_;
    while (n != nullptr && removed < limit) {
      Node* next = n->next;
      size_t pos = n->lp.Front();
      while (removed < limit && (pos = n->lp.Find(v, pos)) != kEnd) {
        pos = n->lp.Erase(pos);
        ++removed;
      }
      if (n->lp.empty()) DeleteNode(n);
      n = next;
    }
    size_ -= removed;
    // Nodes from the head up to n (the first one not scanned) may have shrunk.
    if (removed > 0) Compact(head_, n);
  } else {
    Node* n = tail_;
    while (n != nullptr && removed < limit) {
      Node* prev = n->prev;
      for (size_t pos = n->lp.Back(); pos != kEnd && removed < limit;) {
        const size_t before = n->lp.Prev(pos);
        if (n->lp.Equals(pos, v)) {
          n->lp.Erase(pos);  // entries before pos keep their positions
          ++removed;
        }
        pos = before;
      }
      if (n->lp.empty()) DeleteNode(n);
      n = prev;
    }
    size_ -= removed;
    if (removed > 0) Compact(n != nullptr ? n : head_, nullptr);
  }
  return removed;
}

void ListValue::Trim(size_t start, size_t stop) {
  if (start > stop || start >= size_) {
    Clear();
    return;
  }
  stop = std::min(stop, size_ - 1);
  for (size_t drop = start; drop > 0;) {
    const size_t entries = head_->lp.size();
    if (entries <= drop) {
      DeleteNode(head_);
      drop -= entries;
    } else {
      head_->lp.EraseRange(0, drop);
      drop = 0;
    }
  }
  for (size_t drop = size_ - 1 - stop; drop > 0;) {
    const size_t entries = tail_->lp.size();
    if (entries <= drop) {
      DeleteNode(tail_);
      drop -= entries;
    } else {
      tail_->lp.EraseRange(entries - drop, drop);
      drop = 0;
    }
  }
  size_ = stop - start + 1;
  // Only the two end nodes lost elements.
  if (head_->next != nullptr) Merge(head_, head_->next);
  if (tail_->prev != nullptr) Merge(tail_->prev, tail_);
}

void ListValue::ForRange(size_t start, size_t stop,
                         absl::FunctionRef<void(std::string_view)> fn) const {
  if (start > stop || stop >= size_) return;
  auto [n, pos] = Locate(start);
  for (size_t left = stop - start + 1; left > 0; --left) {
    fn(n->lp.Get(pos).view());
    pos = n->lp.Next(pos);
    if (pos == kEnd && left > 1) {
      n = n->next;
      pos = n->lp.Front();
    }
  }
}

void ListValue::Walk(bool reverse,
                     absl::FunctionRef<bool(size_t index, std::string_view value)> fn) const {
  if (!reverse) {
    size_t index = 0;
    for (const Node* n = head_; n != nullptr; n = n->next) {
      for (size_t pos = n->lp.Front(); pos != kEnd; pos = n->lp.Next(pos)) {
        if (!fn(index++, n->lp.Get(pos).view())) return;
      }
    }
    return;
  }
  size_t index = size_;
  for (const Node* n = tail_; n != nullptr; n = n->prev) {
    for (size_t pos = n->lp.Back(); pos != kEnd; pos = n->lp.Prev(pos)) {
      if (!fn(--index, n->lp.Get(pos).view())) return;
    }
  }
}

void ListValue::set_fill(int fill) { fill_ = std::clamp(fill, kMinFill, kMaxFill); }

void ListValue::Clear() {
  while (head_ != nullptr) DeleteNode(head_);
  size_ = 0;
}

void ListValue::ForEachNode(absl::FunctionRef<void(size_t entries, size_t bytes)> fn) const {
  for (const Node* n = head_; n != nullptr; n = n->next) fn(n->lp.size(), n->lp.bytes());
}

bool ListValue::Fits(size_t entries, size_t bytes) const {
  if (entries <= 1) return true;  // a lone element always has a node, however large
  if (fill_ < 0) return bytes <= (size_t{4096} << (-fill_ - 1));
  return entries <= static_cast<size_t>(fill_) && bytes <= kSafetyLimit;
}

bool ListValue::FitsOneMore(const Node* n, std::string_view v) const {
  return Fits(n->lp.size() + 1, NodeBytes(n->lp) + Listpack::EncodedSize(v));
}

ListValue::Node* ListValue::NewNodeAfter(Node* at) {
  Node* n = new Node;
  n->prev = at;
  n->next = at != nullptr ? at->next : head_;
  (n->prev != nullptr ? n->prev->next : head_) = n;
  (n->next != nullptr ? n->next->prev : tail_) = n;
  ++node_count_;
  return n;
}

void ListValue::DeleteNode(Node* n) {
  (n->prev != nullptr ? n->prev->next : head_) = n->next;
  (n->next != nullptr ? n->next->prev : tail_) = n->prev;
  delete n;
  --node_count_;
}

bool ListValue::Merge(Node* a, Node* b) {
  const size_t bytes = NodeBytes(a->lp) + NodeBytes(b->lp) - Listpack::kHeaderSize;
  if (!Fits(a->lp.size() + b->lp.size(), bytes)) return false;
  a->lp.Append(std::move(b->lp));
  DeleteNode(b);
  return true;
}

void ListValue::Compact(Node* first, Node* stop) {
  Node* n = first;
  while (n != nullptr && n != stop && n->next != nullptr) {
    Node* next = n->next;
    if (!Merge(n, next)) {
      n = next;
    } else if (next == stop) {
      return;
    }
  }
}

std::pair<ListValue::Node*, size_t> ListValue::Locate(size_t index) const {
  // Skip whole nodes by their counts, from whichever end is nearer.
  if (index <= size_ / 2) {
    Node* n = head_;
    while (index >= n->lp.size()) {
      index -= n->lp.size();
      n = n->next;
    }
    return {n, n->lp.Seek(static_cast<int64_t>(index))};
  }
  size_t from_tail = size_ - 1 - index;
  Node* n = tail_;
  while (from_tail >= n->lp.size()) {
    from_tail -= n->lp.size();
    n = n->prev;
  }
  return {n, n->lp.Seek(-1 - static_cast<int64_t>(from_tail))};
}

void ListValue::InsertAt(Node* n, size_t pos, std::string_view v) {
  ++size_;
  if (FitsOneMore(n, v)) {
    n->lp.Insert(pos, v);
    return;
  }
  // n is full. At one of its ends the neighbour may take v, else v starts a node of its own.
  if (pos == kEnd) {
    if (n->next != nullptr && FitsOneMore(n->next, v)) {
      n->next->lp.PushFront(v);
    } else {
      NewNodeAfter(n)->lp.PushBack(v);
    }
    return;
  }
  if (pos == n->lp.Front()) {
    if (n->prev != nullptr && FitsOneMore(n->prev, v)) {
      n->prev->lp.PushBack(v);
    } else {
      NewNodeAfter(n->prev)->lp.PushBack(v);
    }
    return;
  }
  // In the middle: split n there and put v at the end of the left half or the start of the
  // right one, or between them when it is too large for either.
  Node* right = NewNodeAfter(n);
  right->lp = n->lp.SplitAt(pos);
  if (FitsOneMore(n, v)) {
    n->lp.PushBack(v);
  } else if (FitsOneMore(right, v)) {
    right->lp.PushFront(v);
  } else {
    NewNodeAfter(n)->lp.PushBack(v);
  }
  // Each half may now fit together with its outer neighbour.
  if (right->next != nullptr) Merge(right, right->next);
  if (n->prev != nullptr) Merge(n->prev, n);
}

std::string ListValue::TakeFrom(Node* n, size_t pos) {
  std::string v = n->lp.Get(pos).str();
  n->lp.Erase(pos);
  if (n->lp.empty()) DeleteNode(n);
  --size_;
  return v;
}

}  // namespace understudy::store
