#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/command.h"
#include "resp/reply.h"

namespace understudy::client {

// "EVAL script|EVALSHA sha|FCALL function" numkeys keys... args...
Command ScriptInvocation(std::string_view verb, std::string_view what,
                         const std::vector<std::string>& keys,
                         const std::vector<std::string>& args);

// A Lua script with its SHA-1 digest computed once: Commands::eval sends EVALSHA and falls back
// to EVAL (which loads it) only when the server answers NOSCRIPT.
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

  // EVALSHA and EVAL of this script with its keys and arguments.
  Command EvalSha(const std::vector<std::string>& keys, const std::vector<std::string>& args) const;
  Command Eval(const std::vector<std::string>& keys, const std::vector<std::string>& args) const;
  // Whether a reply is the server's NOSCRIPT (it does not know the digest): send Eval then.
  static bool IsNoScript(const resp::Reply& reply);

 private:
  std::string source_;
  std::string sha_;
};

}  // namespace understudy::client
