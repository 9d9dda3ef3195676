#pragma once

#include <cstddef>
#include <string_view>

namespace understudy::store::rdb {

// LZF, the compression RDB files and DUMP payloads use for strings. A compressed stream is a
// series of items, each starting with a control byte c:
// - c < 32: a literal run, the next c + 1 bytes as they are;
// - else a back reference: length (c >> 5) + 2, or 7 + 2 + the next byte when c >> 5 is 7,
//   copying from ((c & 31) << 8 | the following byte) + 1 bytes back in the output.

// Compresses input into out (capacity bytes); returns the compressed size, or 0 if it does not
// fit (then the caller keeps the input as it is).
size_t LzfCompress(std::string_view input, char* out, size_t capacity);

// Decompresses into out, which must be exactly the original size; false if the stream is
// corrupt or does not fill out exactly.
bool LzfDecompress(std::string_view compressed, char* out, size_t size);

}  // namespace understudy::store::rdb
