#pragma once

#include <string>

namespace understudy::client {

// A Lua script with its SHA-1 digest computed once: Commands::eval sends EVALSHA and falls back
// to EVAL (which loads it) only when the server answers NOSCRIPT.
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;
};

}  // namespace understudy::client
