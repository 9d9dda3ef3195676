#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace understudy::engine::scripting {

// SHA-1 (FIPS 180-4) of data: the name of a cached script and redis.sha1hex's result.
std::array<uint8_t, 20> Sha1(std::string_view data);
// The digest as 40 lower-case hex digits.
std::string Sha1Hex(std::string_view data);

}  // namespace understudy::engine::scripting
