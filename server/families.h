#pragma once

#include <vector>

#include "server/command.h"

namespace understudy::server {

// One per family file; each returns its COMMAND group and registration table.
CommandFamily StringFamily();
CommandFamily KeysFamily();
CommandFamily ConnectionFamily();
CommandFamily ServerFamily();

// Every family the engine registers.
std::vector<CommandFamily> AllFamilies();

}  // namespace understudy::server
