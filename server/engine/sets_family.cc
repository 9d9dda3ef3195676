// Set commands: members, random picks and pops, and the algebra of several sets.
#include "server/engine/command.h"
#include "server/engine/families.h"

namespace understudy::engine {

CommandFamily SetsFamily() { return {"set", {}}; }

}  // namespace understudy::engine
