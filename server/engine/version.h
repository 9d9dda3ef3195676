#pragma once

#include <string_view>

namespace understudy::engine {

// The Redis version understudy behaves as (HELLO, INFO): clients pick features by it.
inline constexpr std::string_view kRedisCompatibleVersion = "7.0.15";
// understudy's own version.
inline constexpr std::string_view kUnderstudyVersion = "0.1.0";

}  // namespace understudy::engine
