#include "store/rdb/codec.h"

#include <charconv>
#include <limits>

#include "store/rdb/crc64.h"
#include "store/rdb/lzf.h"

namespace understudy::store::rdb {
namespace {

// The two top bits of a length's first byte.
constexpr uint8_t kLength6 = 0;
constexpr uint8_t kLength14 = 1;
constexpr uint8_t kLengthWide = 2;  // 0x80: 32 bits follow, 0x81: 64 bits
constexpr uint8_t kEncoded = 3;     // a special string; the low 6 bits say which
constexpr uint8_t kLength32 = 0x80;
constexpr uint8_t kLength64 = 0x81;

enum StringEncoding : uint8_t { kInt8 = 0, kInt16 = 1, kInt32 = 2, kLzf = 3 };

constexpr size_t kMaxIntegerChars = 11;     // "-2147483648"
constexpr size_t kMinCompressedLength = 21;  // shorter strings are never compressed
constexpr size_t kMinCompressionSaving = 4;

void PutLittleEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t GetLittleEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return value;
}

uint64_t GetBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char byte : bytes) value = value << 8 | static_cast<unsigned char>(byte);
  return value;
}

constexpr size_t kTrailerSize = 2 + 8;  // version and CRC-64

}  // namespace

void Writer::Length(uint64_t length) {
  if (length < (1u << 6)) {
    Byte(static_cast<uint8_t>(kLength6 << 6 | length));
  } else if (length < (1u << 14)) {
    Byte(static_cast<uint8_t>(kLength14 << 6 | length >> 8));
    Byte(static_cast<uint8_t>(length & 0xff));
  } else {
    const bool wide = length > std::numeric_limits<uint32_t>::max();
    Byte(wide ? kLength64 : kLength32);
    for (int shift = wide ? 56 : 24; shift >= 0; shift -= 8) {
      Byte(static_cast<uint8_t>((length >> shift) & 0xff));
    }
  }
}

void Writer::String(std::string_view bytes) {
  if (TryInteger(bytes) || TryCompressed(bytes)) return;
  Length(bytes.size());
  out_.append(bytes);
}

bool Writer::TryInteger(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > kMaxIntegerChars) return false;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), value);
  if (error != std::errc() || end != bytes.data() + bytes.size()) return false;
  // Only the integer's canonical spelling: "007" or "-0" must come back as written.
  char canonical[24];
  const auto written = std::to_chars(canonical, canonical + sizeof canonical, value).ptr;
  if (std::string_view(canonical, written - canonical) != bytes) return false;
  if (value >= std::numeric_limits<int8_t>::min() && value <= std::numeric_limits<int8_t>::max()) {
    Byte(kEncoded << 6 | kInt8);
    PutLittleEndian(out_, static_cast<uint64_t>(value), 1);
  } else if (value >= std::numeric_limits<int16_t>::min() &&
             value <= std::numeric_limits<int16_t>::max()) {
    Byte(kEncoded << 6 | kInt16);
    PutLittleEndian(out_, static_cast<uint64_t>(value), 2);
  } else if (value >= std::numeric_limits<int32_t>::min() &&
             value <= std::numeric_limits<int32_t>::max()) {
    Byte(kEncoded << 6 | kInt32);
    PutLittleEndian(out_, static_cast<uint64_t>(value), 4);
  } else {
    return false;
  }
  return true;
}

bool Writer::TryCompressed(std::string_view bytes) {
  if (!compress_ || bytes.size() < kMinCompressedLength) return false;
  std::string compressed(bytes.size() - kMinCompressionSaving, '\0');
  const size_t size = LzfCompress(bytes, compressed.data(), compressed.size());
  if (size == 0) return false;
  Byte(kEncoded << 6 | kLzf);
  Length(size);
  Length(bytes.size());
  out_.append(compressed.data(), size);
  return true;
}

std::optional<std::string_view> Reader::Take(size_t n) {
  if (failed_ || in_.size() < n) return Fail();
  const std::string_view taken = in_.substr(0, n);
  in_.remove_prefix(n);
  return taken;
}

std::optional<uint8_t> Reader::Byte() {
  const auto byte = Take(1);
  if (!byte) return std::nullopt;
  return static_cast<uint8_t>((*byte)[0]);
}

std::optional<uint64_t> Reader::LengthOrEncoding(bool* encoded) {
  *encoded = false;
  const auto first = Byte();
  if (!first) return std::nullopt;
  switch (*first >> 6) {
    case kLength6:
      return *first & 0x3f;
    case kLength14: {
      const auto second = Byte();
      if (!second) return std::nullopt;
      return static_cast<uint64_t>(*first & 0x3f) << 8 | *second;
    }
    case kLengthWide: {
      if (*first != kLength32 && *first != kLength64) return Fail();
      const auto bytes = Take(*first == kLength32 ? 4 : 8);
      if (!bytes) return std::nullopt;
      return GetBigEndian(*bytes);
    }
    default:
      *encoded = true;
      return *first & 0x3f;
  }
}

std::optional<uint64_t> Reader::Length() {
  bool encoded = false;
  const auto length = LengthOrEncoding(&encoded);
  if (encoded) return Fail();
  return length;
}

std::optional<std::string> Reader::String() {
  bool encoded = false;
  const auto length = LengthOrEncoding(&encoded);
  if (!length) return std::nullopt;
  if (!encoded) {
    const auto bytes = Take(*length);
    if (!bytes) return std::nullopt;
    return std::string(*bytes);
  }
  switch (*length) {
    case kInt8:
    case kInt16:
    case kInt32: {
      const int width = *length == kInt8 ? 1 : *length == kInt16 ? 2 : 4;
      const auto bytes = Take(width);
      if (!bytes) return std::nullopt;
      // Sign-extend from the stored width.
      const int shift = 64 - 8 * width;
      const auto value = static_cast<int64_t>(GetLittleEndian(*bytes) << shift) >> shift;
      return std::to_string(value);
    }
    case kLzf: {
      const auto compressed_size = Length();
      const auto size = Length();
      if (!compressed_size || !size) return std::nullopt;
      const auto compressed = Take(*compressed_size);
      // A size no compressed input of this length could produce (a 3-byte reference copies
      // at most 264 bytes) is corrupt, not an allocation to make.
      if (!compressed || *size > *compressed_size * 88) return Fail();
      std::string bytes(*size, '\0');
      if (!LzfDecompress(*compressed, bytes.data(), bytes.size())) return Fail();
      return bytes;
    }
    default:
      return Fail();
  }
}

void SealPayload(std::string& body) {
  PutLittleEndian(body, kRdbVersion, 2);
  PutLittleEndian(body, Crc64(0, body), 8);
}

std::optional<std::string_view> OpenPayload(std::string_view payload) {
  if (payload.size() < kTrailerSize) return std::nullopt;
  const size_t body_size = payload.size() - kTrailerSize;
  const uint64_t version = GetLittleEndian(payload.substr(body_size, 2));
  if (version > kRdbVersion) return std::nullopt;
  const uint64_t crc = GetLittleEndian(payload.substr(body_size + 2, 8));
  if (Crc64(0, payload.substr(0, body_size + 2)) != crc) return std::nullopt;
  return payload.substr(0, body_size);
}

}  // namespace understudy::store::rdb
