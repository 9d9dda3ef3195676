#pragma once

#include <cstddef>
#include <cstdint>

namespace understudy::store {

// When a container switches from its compact encoding to its large one, as Redis 7.0's settings
// of the same names (CONFIG SET changes them; containers already converted stay converted).
struct EncodingConfig {
  size_t hash_max_listpack_entries = 512;
  size_t hash_max_listpack_value = 64;
  size_t set_max_intset_entries = 512;
  size_t zset_max_listpack_entries = 128;
  size_t zset_max_listpack_value = 64;
  // A list node's limit: a positive number caps its entries, -1..-5 cap its bytes at
  // 4, 8, 16, 32 or 64 KB.
  int list_max_listpack_size = -2;
};

}  // namespace understudy::store
