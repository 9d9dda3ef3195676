#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace understudy::resp {

enum class Protocol : uint8_t { kResp2 = 2, kResp3 = 3 };

// Serialises replies into a caller-owned output buffer that is reused between writes.
// Handlers describe replies by type; the writer picks the RESP2 or RESP3 encoding:
// under RESP2 a map becomes a flat array of 2N elements, a set or push an array, a double or
// big number a bulk string, a boolean the integer 0 or 1, a verbatim string a bulk string,
// null a null bulk ("$-1") or, with NullArray(), a null array ("*-1").
class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, Protocol protocol = Protocol::kResp2)
      : out_(out), protocol_(protocol) {}

  Protocol protocol() const { return protocol_; }
  void set_protocol(Protocol protocol) { protocol_ = protocol; }
  bool resp3() const { return protocol_ == Protocol::kResp3; }

  void SimpleString(std::string_view s);  // "+OK"; s must not contain CR or LF
  void Ok() { SimpleString("OK"); }
  // Writes "-" + message; message carries its own code ("ERR ...", "WRONGTYPE ...").
  void Error(std::string_view message);
  void Integer(int64_t value);
  void Bulk(std::string_view s);
  void Null();       // RESP2 "$-1", RESP3 "_"
  void NullArray();  // RESP2 "*-1", RESP3 "_"
  void Double(double value);
  void Boolean(bool value);
  void BigNumber(std::string_view digits);
  // format is three characters such as "txt" or "mkd".
  void Verbatim(std::string_view format, std::string_view text);

  // Aggregate headers: the caller then writes exactly the announced number of elements
  // (2 * pairs for a map).
  void ArrayHeader(size_t count);
  void MapHeader(size_t pairs);
  void SetHeader(size_t count);
  void PushHeader(size_t count);

  // Convenience for the common array-of-bulks reply.
  template <typename Range>
  void BulkArray(const Range& items) {
    ArrayHeader(std::size(items));
    for (const auto& item : items) Bulk(item);
  }

  std::string* buffer() const { return out_; }

 private:
  void Header(char type, int64_t count);

  std::string* out_;
  Protocol protocol_;
};

// Redis's text for a double in replies (RESP2 bulk and RESP3 ','): "%.17g", with "inf",
// "-inf" and "nan".
std::string FormatDouble(double value);

}  // namespace understudy::resp
