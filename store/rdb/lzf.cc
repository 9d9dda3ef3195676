#include "store/rdb/lzf.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace understudy::store::rdb {
namespace {

constexpr size_t kMaxLiteralRun = 32;
constexpr size_t kMaxOffset = 8192;  // 13 bits, plus one
constexpr size_t kMinMatch = 3;
constexpr size_t kMaxMatch = 7 + 255 + 2;
constexpr int kHashBits = 14;

uint32_t HashOf(const unsigned char* p) {
  const uint32_t v = static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
  return (v * 2654435761u) >> (32 - kHashBits);
}

// Appends to a fixed buffer, remembering if it overflowed.
class Output {
 public:
  Output(char* out, size_t capacity) : out_(out), capacity_(capacity) {}
  bool Put(unsigned char byte) {
    if (size_ == capacity_) return false;
    out_[size_++] = static_cast<char>(byte);
    return true;
  }
  bool Put(const unsigned char* bytes, size_t n) {
    if (capacity_ - size_ < n) return false;
    std::memcpy(out_ + size_, bytes, n);
    size_ += n;
    return true;
  }
  size_t size() const { return size_; }

 private:
  char* out_;
  size_t capacity_;
  size_t size_ = 0;
};

bool FlushLiterals(Output& out, const unsigned char* from, size_t count) {
  while (count > 0) {
    const size_t run = count < kMaxLiteralRun ? count : kMaxLiteralRun;
    if (!out.Put(static_cast<unsigned char>(run - 1)) || !out.Put(from, run)) return false;
    from += run;
    count -= run;
  }
  return true;
}

}  // namespace

size_t LzfCompress(std::string_view input, char* out_bytes, size_t capacity) {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const size_t n = input.size();
  Output out(out_bytes, capacity);
  // Positions are stored plus one, so zero means "none yet".
  std::vector<uint32_t> last_seen(size_t{1} << kHashBits, 0);
  size_t literal_start = 0;
  size_t i = 0;
  while (i + kMinMatch <= n) {
    const uint32_t hash = HashOf(in + i);
    const size_t candidate = last_seen[hash];
    last_seen[hash] = static_cast<uint32_t>(i + 1);
    if (candidate == 0 || i - (candidate - 1) > kMaxOffset ||
        std::memcmp(in + candidate - 1, in + i, kMinMatch) != 0) {
      ++i;
      continue;
    }
    const size_t ref = candidate - 1;
    const size_t limit = n - i < kMaxMatch ? n - i : kMaxMatch;
    size_t length = kMinMatch;
    while (length < limit && in[ref + length] == in[i + length]) ++length;
    if (!FlushLiterals(out, in + literal_start, i - literal_start)) return 0;
    const size_t offset = i - ref - 1;
    const size_t coded = length - 2;
    const auto high = static_cast<unsigned char>(offset >> 8);
    if (coded < 7) {
      if (!out.Put(static_cast<unsigned char>(coded << 5 | high))) return 0;
    } else if (!out.Put(static_cast<unsigned char>(7 << 5 | high)) ||
               !out.Put(static_cast<unsigned char>(coded - 7))) {
      return 0;
    }
    if (!out.Put(static_cast<unsigned char>(offset & 0xff))) return 0;
    i += length;
    literal_start = i;
  }
  if (!FlushLiterals(out, in + literal_start, n - literal_start)) return 0;
  return out.size();
}

bool LzfDecompress(std::string_view compressed, char* out, size_t size) {
  const auto* in = reinterpret_cast<const unsigned char*>(compressed.data());
  const auto* const end = in + compressed.size();
  size_t written = 0;
  while (in < end) {
    const unsigned ctrl = *in++;
    if (ctrl < kMaxLiteralRun) {
      const size_t run = ctrl + 1;
      if (static_cast<size_t>(end - in) < run || size - written < run) return false;
      std::memcpy(out + written, in, run);
      in += run;
      written += run;
      continue;
    }
    size_t length = ctrl >> 5;
    if (length == 7) {
      if (in == end) return false;
      length += *in++;
    }
    length += 2;
    if (in == end) return false;
    const size_t back = ((ctrl & 0x1f) << 8 | *in++) + 1;
    if (back > written || size - written < length) return false;
    // Byte by byte: the source may overlap what this copy writes (a repeated pattern).
    for (size_t k = 0; k < length; ++k, ++written) out[written] = out[written - back];
  }
  return written == size;
}

}  // namespace understudy::store::rdb
