#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace understudy::store::rdb {

// The RDB format version written, Redis 7.0's. Payloads of a later version are refused, as
// Redis refuses them.
inline constexpr uint16_t kRdbVersion = 10;

// Opcodes and value types, with Redis's numbers.
enum Opcode : uint8_t {
  kOpFunction2 = 245,  // a function library: its code as a string
};

// Writes RDB primitives, appending to a string.
class Writer {
 public:
  // With compress, strings over 20 bytes are LZF-compressed when that saves at least 4 bytes
  // (Redis's rdbcompression yes).
  explicit Writer(std::string& out, bool compress = true) : out_(out), compress_(compress) {}

  void Byte(uint8_t byte) { out_.push_back(static_cast<char>(byte)); }
  // A length: 6 bits, 14 bits, 32 or 64 bits big-endian, the shortest that holds it.
  void Length(uint64_t length);
  // A string as Redis saves it: a canonical integer of up to 11 characters that fits 32 bits
  // as that integer, a long compressible one LZF-compressed, any other as length and bytes.
  void String(std::string_view bytes);

 private:
  bool TryInteger(std::string_view bytes);
  bool TryCompressed(std::string_view bytes);

  std::string& out_;
  bool compress_;
};

// Reads RDB primitives from bytes it does not own. Every read returns nothing when the input
// is short or malformed, and the reader stays failed from then on.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  std::optional<uint8_t> Byte();
  // A plain length (an encoded string's marker is malformed here).
  std::optional<uint64_t> Length();
  // A string in any of the encodings Writer::String uses.
  std::optional<std::string> String();

  bool at_end() const { return in_.empty(); }
  bool failed() const { return failed_; }

 private:
  // The length, or the encoding (0..3) of a special string if *encoded is set.
  std::optional<uint64_t> LengthOrEncoding(bool* encoded);
  std::optional<std::string_view> Take(size_t n);
  std::nullopt_t Fail() {
    failed_ = true;
    return std::nullopt;
  }

  std::string_view in_;
  bool failed_ = false;
};

// A DUMP payload (DUMP, FUNCTION DUMP) is the body followed by the RDB version (2 bytes, little
// endian) and the CRC-64 (8 bytes, little endian) of everything before it.
void SealPayload(std::string& body);
// The body of a payload, or nothing if it is too short, of a later RDB version, or its CRC does
// not match ("payload version or checksum are wrong" in Redis's replies).
std::optional<std::string_view> OpenPayload(std::string_view payload);

}  // namespace understudy::store::rdb
