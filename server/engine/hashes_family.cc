// Hash commands: fields and values of a hash, counters, random fields and scans.
#include "server/engine/command.h"
#include "server/engine/families.h"

namespace understudy::engine {

CommandFamily HashesFamily() { return {"hash", {}}; }

}  // namespace understudy::engine
