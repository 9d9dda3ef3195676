// Sorted set commands: members ordered by score, ranges by rank, score and lex, pops (blocking
// too), random picks, and the algebra of several sorted sets.
#include "server/engine/command.h"
#include "server/engine/families.h"

namespace understudy::engine {

CommandFamily SortedSetsFamily() { return {"sorted-set", {}}; }

}  // namespace understudy::engine
