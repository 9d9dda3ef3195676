#include "client/script.h"

#include <utility>

#include "server/engine/scripting/sha1.h"

namespace understudy::client {

Command ScriptInvocation(std::string_view verb, std::string_view what,
                         const std::vector<std::string>& keys,
                         const std::vector<std::string>& args) {
  Command command(verb, what, static_cast<int64_t>(keys.size()));
  command.args(keys).args(args);
  return command;
}

Script::Script(std::string source)
    : source_(std::move(source)), sha_(engine::scripting::Sha1Hex(source_)) {}

Command Script::EvalSha(const std::vector<std::string>& keys,
                        const std::vector<std::string>& args) const {
  return ScriptInvocation("EVALSHA", sha_, keys, args);
}

Command Script::Eval(const std::vector<std::string>& keys,
                     const std::vector<std::string>& args) const {
  return ScriptInvocation("EVAL", source_, keys, args);
}

bool Script::IsNoScript(const resp::Reply& reply) {
  return reply.is_error() && reply.str.starts_with("NOSCRIPT");
}

}  // namespace understudy::client
