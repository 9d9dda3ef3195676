#pragma once

#include <vector>

#include "server/engine/command.h"

namespace understudy::engine {

// One per family file; each returns its COMMAND group and registration table.
CommandFamily StringFamily();
CommandFamily BitmapsFamily();
CommandFamily KeysFamily();
CommandFamily ListsFamily();
CommandFamily HashesFamily();
CommandFamily SetsFamily();
CommandFamily SortedSetsFamily();
CommandFamily TransactionsFamily();
CommandFamily ConnectionFamily();
CommandFamily ServerFamily();
CommandFamily PubSubFamily();
CommandFamily AclFamily();
CommandFamily ScriptingFamily();
CommandFamily DiagnosticsFamily();
CommandFamily DebugFamily();
CommandFamily FunctionsFamily();

// Every family the engine registers.
std::vector<CommandFamily> AllFamilies();

}  // namespace understudy::engine
