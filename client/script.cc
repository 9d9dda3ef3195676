#include "client/script.h"

#include <utility>

#include "server/engine/scripting/sha1.h"

namespace understudy::client {

Script::Script(std::string source)
    : source_(std::move(source)), sha_(engine::scripting::Sha1Hex(source_)) {}

}  // namespace understudy::client
