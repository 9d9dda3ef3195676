#pragma once

#include <cstdint>
#include <string_view>

namespace understudy::store::rdb {

// The CRC-64 that Redis puts at the end of RDB files and DUMP payloads: the Jones polynomial
// (0xad93d23594c935a9), bits reflected, initial value 0 and no final xor. Crc64(0, "123456789")
// is 0xe9c6d914c4b8d9ca. Pass the previous result as `crc` to continue over more bytes.
uint64_t Crc64(uint64_t crc, std::string_view bytes);

}  // namespace understudy::store::rdb
