// Bitmap commands: strings read and written as arrays of bits and of integer fields.
#include "server/engine/command.h"
#include "server/engine/families.h"

namespace understudy::engine {

CommandFamily BitmapsFamily() { return {"bitmap", {}}; }

}  // namespace understudy::engine
