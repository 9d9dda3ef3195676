#include "server/engine/scripting/functions.h"

#include <algorithm>
#include <cctype>
#include <lua5.1/lua.hpp>

#include "server/engine/scripting/script_run.h"
#include "store/rdb/codec.h"

namespace understudy::engine::scripting {
namespace {

char kLoadingKey;  // the LoadingLibrary of the code being loaded, light userdata

// How long a library's code may run while it loads, as Redis's.
constexpr int64_t kLoadTimeoutMs = 500;
constexpr int kLoadHookInstructions = 100000;

// What redis.register_function collects while a library's code runs, and when it must stop.
struct LoadingLibrary {
  std::map<std::string, Function, std::less<>> functions;
  const store::Clock* clock = nullptr;
  int64_t deadline_ms = 0;
};

struct NamedFlag {
  const char* name;
  ScriptFlag flag;
};
constexpr NamedFlag kFunctionFlags[] = {
    {"no-writes", kScriptNoWrites},
    {"allow-oom", kScriptAllowOom},
    {"allow-stale", kScriptAllowStale},
    {"no-cluster", kScriptNoCluster},
    {"allow-cross-slot-keys", kScriptAllowCrossSlotKeys},
};

constexpr std::string_view kBadName =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string_view View(lua_State* lua, int index) {
  size_t size = 0;
  const char* data = lua_tolstring(lua, index, &size);
  return data == nullptr ? std::string_view() : std::string_view(data, size);
}

// Raises {err = "ERR <message>"}, as the scripting API's own errors are raised.
int RaiseError(lua_State* lua, std::string_view message) {
  lua_newtable(lua);
  const std::string err = "ERR " + std::string(message);
  lua_pushlstring(lua, err.data(), err.size());
  lua_setfield(lua, -2, "err");
  return lua_error(lua);
}

// __index of the tables a library's code sees: what the table holds (upvalue 1), or an error.
int RestrictedIndex(lua_State* lua) {
  lua_pushvalue(lua, 2);
  lua_rawget(lua, lua_upvalueindex(1));
  if (!lua_isnil(lua, -1)) return 1;
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(lua, 2));
}

int DenyWrite(lua_State* lua) { return luaL_error(lua, "Attempt to modify a readonly table"); }

// Replaces the table at the top by an empty read-only view of it that raises on missing names.
void MakeRestricted(lua_State* lua) {
  lua_newtable(lua);  // the view
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, -3);
  lua_pushcclosure(lua, RestrictedIndex, 1);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, DenyWrite);
  lua_setfield(lua, -2, "__newindex");
  lua_setmetatable(lua, -2);
  lua_replace(lua, -2);
}

LoadingLibrary* Loading(lua_State* lua) {
  lua_pushlightuserdata(lua, &kLoadingKey);
  lua_rawget(lua, LUA_REGISTRYINDEX);
  auto* loading = static_cast<LoadingLibrary*>(lua_touserdata(lua, -1));
  lua_pop(lua, 1);
  return loading;
}

// Reads the named arguments of redis.register_function{...} at index 1 into the function,
// leaving its callback on the top of the stack; an error message if one is wrong.
const char* ReadNamedArguments(lua_State* lua, Function& function) {
  lua_pushnil(lua);  // callback
  lua_pushnil(lua);
  while (lua_next(lua, 1) != 0) {
    if (lua_type(lua, -2) != LUA_TSTRING)
      return "unknown argument given to redis.register_function";
    const std::string_view key = View(lua, -2);
    if (key == "function_name") {
      if (!lua_isstring(lua, -1)) {
        return "function_name argument given to redis.register_function must be a string";
      }
      function.name = View(lua, -1);
    } else if (key == "description") {
      if (!lua_isstring(lua, -1)) {
        return "description argument given to redis.register_function must be a string";
      }
      function.description = std::string(View(lua, -1));
    } else if (key == "callback") {
      if (!lua_isfunction(lua, -1)) {
        return "callback argument given to redis.register_function must be a function";
      }
      lua_pushvalue(lua, -1);
      lua_replace(lua, -4);
    } else if (key == "flags") {
      if (!lua_istable(lua, -1)) {
        return "flags argument to redis.register_function must be a table representing "
               "function flags";
      }
      lua_pushnil(lua);
      while (lua_next(lua, -2) != 0) {
        const NamedFlag* found = nullptr;
        if (lua_type(lua, -1) == LUA_TSTRING) {
          for (const NamedFlag& known : kFunctionFlags) {
            if (View(lua, -1) == known.name) found = &known;
          }
        }
        if (found == nullptr) return "unknown flag given";
        function.flags |= found->flag;
        lua_pop(lua, 1);
      }
    } else {
      return "unknown argument given to redis.register_function";
    }
    lua_pop(lua, 1);
  }
  if (lua_isnil(lua, -1)) return "redis.register_function must get a callback argument";
  if (function.name.empty()) return "redis.register_function must get a function name argument";
  return nullptr;
}

// redis.register_function(name, callback) or redis.register_function{function_name = ...,
// callback = ..., flags = {...}, description = ...}.
int RegisterFunction(lua_State* lua) {
  LoadingLibrary* loading = Loading(lua);
  if (loading == nullptr)
    return RaiseError(lua, "redis.register_function can only be called on FUNCTION LOAD command");
  Function function;
  const int argc = lua_gettop(lua);
  if (argc == 1) {
    if (!lua_istable(lua, 1)) {
      return RaiseError(lua,
                        "calling redis.register_function with a single argument is only "
                        "applicable to Lua table (representing named arguments).");
    }
    if (const char* error = ReadNamedArguments(lua, function)) return RaiseError(lua, error);
  } else if (argc == 2) {
    if (!lua_isstring(lua, 1))
      return RaiseError(lua, "first argument to redis.register_function must be a string");
    if (!lua_isfunction(lua, 2)) {
      return RaiseError(lua, "second argument to redis.register_function must be a function");
    }
    function.name = View(lua, 1);
    lua_pushvalue(lua, 2);
  } else {
    return RaiseError(lua, "wrong number of arguments to redis.register_function");
  }
  if (!ValidName(function.name)) return RaiseError(lua, kBadName);
  if (loading->functions.contains(function.name)) {
    return RaiseError(lua, "Function already exists in the library");
  }
  function.function_ref = luaL_ref(lua, LUA_REGISTRYINDEX);
  const std::string name = function.name;
  loading->functions.emplace(name, std::move(function));
  return 0;
}

// Stops code that loads for too long; from then on every line raises again, so it cannot go on.
void LoadHook(lua_State* lua, lua_Debug*) {
  LoadingLibrary* loading = Loading(lua);
  if (loading == nullptr || loading->clock->NowMs() < loading->deadline_ms) return;
  lua_sethook(lua, LoadHook, LUA_MASKLINE, 0);
  RaiseError(lua, "FUNCTION LOAD timeout");
}

// Reads the name a library's first line gives ("#!lua name=mylib"): nullopt, or the error
// reply.
std::optional<std::string> ParseMetadata(std::string_view code, std::string* library_name) {
  if (!code.starts_with("#!")) return std::string("ERR Missing library metadata");
  const size_t end = code.find('\n');
  if (end == std::string_view::npos) return std::string("ERR Invalid library metadata");
  std::vector<std::string_view> words;
  const std::string_view line = code.substr(0, end);
  for (size_t at = 0; at < line.size();) {
    while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    const size_t start = at;
    while (at < line.size() && !std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    if (at > start) words.push_back(line.substr(start, at - start));
  }
  std::optional<std::string_view> name;
  for (size_t i = 1; i < words.size(); ++i) {
    if (!words[i].starts_with("name=")) {
      return "ERR Invalid metadata value given: " + std::string(words[i]);
    }
    if (name) {
      return std::string("ERR Invalid metadata value, name argument was given multiple times");
    }
    name = words[i].substr(5);
  }
  if (!name) return std::string("ERR Library name was not given");
  const std::string_view engine = words[0].substr(2);
  std::string lower(engine);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != "lua") return "ERR Engine '" + std::string(engine) + "' not found";
  if (!ValidName(*name)) return "ERR " + std::string(kBadName);
  *library_name = *name;
  return std::nullopt;
}

}  // namespace

bool NameLessIgnoringCase::operator()(std::string_view a, std::string_view b) const {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    const int x = std::tolower(static_cast<unsigned char>(a[i]));
    const int y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

std::vector<std::string_view> FunctionFlagNames(uint32_t flags) {
  std::vector<std::string_view> names;
  for (const NamedFlag& known : kFunctionFlags) {
    if (flags & known.flag) names.push_back(known.name);
  }
  return names;
}

FunctionLibraries::FunctionLibraries(RandomState& random, const store::Clock& clock)
    : random_(random), clock_(clock) {
  Flush();
}

FunctionLibraries::~FunctionLibraries() = default;

void FunctionLibraries::Flush() {
  libraries_.clear();
  owner_.clear();
  lua_ = std::make_unique<LuaState>(random_);
  lua_State* lua = lua_->lua();
  // While a library loads its code sees only {redis = {register_function, log, LOG_*,
  // REDIS_VERSION, REDIS_VERSION_NUM}}; its functions later see every global. Both go through
  // one environment whose __index is switched (see Compile).
  lua_newtable(lua);  // the load-time globals
  lua_newtable(lua);  // the load-time redis table
  lua_pushcfunction(lua, RegisterFunction);
  lua_setfield(lua, -2, "register_function");
  lua_getglobal(lua, "redis");
  for (const char* name : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                           "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(lua, -1, name);
    lua_setfield(lua, -3, name);
  }
  lua_pop(lua, 1);
  MakeRestricted(lua);
  lua_setfield(lua, -2, "redis");
  MakeRestricted(lua);
  const int load_globals = lua_gettop(lua);

  lua_newtable(lua);  // the environment
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, load_globals);
  lua_setfield(lua, -2, "__load");
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_setfield(lua, -2, "__run");
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, DenyWrite);
  lua_setfield(lua, -2, "__newindex");
  lua_setmetatable(lua, -2);
  library_env_ref_ = luaL_ref(lua, LUA_REGISTRYINDEX);
  lua_settop(lua, 0);
}

std::variant<Library, std::string> FunctionLibraries::Compile(std::string_view code) {
  Library library{.code = std::string(code)};
  if (std::optional<std::string> error = ParseMetadata(code, &library.name)) return *error;

  // The first line goes; its newline stays so line numbers count from the metadata line.
  std::variant<int, std::string> chunk =
      lua_->Compile(code.substr(code.find('\n')), "@user_function");
  if (auto* error = std::get_if<std::string>(&chunk)) {
    return "ERR Error compiling function: " + *error;
  }
  lua_State* lua = lua_->lua();
  const int chunk_ref = std::get<int>(chunk);
  lua_rawgeti(lua, LUA_REGISTRYINDEX, library_env_ref_);
  lua_getmetatable(lua, -1);
  const int metatable = lua_gettop(lua);
  auto set_index = [&](const char* source) {
    lua_getfield(lua, metatable, source);
    lua_setfield(lua, metatable, "__index");
  };
  set_index("__load");
  LoadingLibrary loading{.clock = &clock_, .deadline_ms = clock_.NowMs() + kLoadTimeoutMs};
  lua_pushlightuserdata(lua, &kLoadingKey);
  lua_pushlightuserdata(lua, &loading);
  lua_rawset(lua, LUA_REGISTRYINDEX);

  lua_rawgeti(lua, LUA_REGISTRYINDEX, chunk_ref);
  lua_pushvalue(lua, metatable - 1);
  lua_setfenv(lua, -2);
  lua_sethook(lua, LoadHook, LUA_MASKCOUNT, kLoadHookInstructions);
  const int status = lua_pcall(lua, 0, 0, 0);
  lua_sethook(lua, nullptr, 0, 0);
  std::string error;
  if (status != 0) {
    if (lua_istable(lua, -1)) {
      lua_getfield(lua, -1, "err");
      error = View(lua, -1);
      lua_pop(lua, 1);
    } else {
      error = "ERR " + std::string(View(lua, -1));
    }
  }

  lua_pushlightuserdata(lua, &kLoadingKey);
  lua_pushnil(lua);
  lua_rawset(lua, LUA_REGISTRYINDEX);
  set_index("__run");
  lua_settop(lua, 0);
  lua_->Release(chunk_ref);
  library.functions = std::move(loading.functions);
  if (status != 0) {
    Release(library);
    return "ERR Error registering functions: " + error;
  }
  if (library.functions.empty()) return std::string("ERR No functions registered");
  return library;
}

std::optional<std::string> FunctionLibraries::Clash(const std::vector<Library>& incoming,
                                                    const std::vector<std::string>& removed) const {
  auto is_removed = [&](std::string_view library) {
    for (const std::string& name : removed) {
      if (name == library) return true;
    }
    return false;
  };
  for (size_t i = 0; i < incoming.size(); ++i) {
    const Library& library = incoming[i];
    bool taken = libraries_.contains(library.name) && !is_removed(library.name);
    for (size_t j = 0; j < i; ++j) taken = taken || incoming[j].name == library.name;
    if (taken) return "ERR Library " + library.name + " already exists";
    for (const auto& [name, function] : library.functions) {
      auto owner = owner_.find(name);
      bool clash = owner != owner_.end() && !is_removed(owner->second);
      for (size_t j = 0; j < i; ++j) clash = clash || incoming[j].functions.contains(name);
      if (clash) return "ERR Function " + name + " already exists";
    }
  }
  return std::nullopt;
}

std::optional<std::string> FunctionLibraries::Load(std::string_view code, bool replace,
                                                   std::string* name) {
  if (std::optional<std::string> error = ParseMetadata(code, name)) return error;
  if (!replace && libraries_.contains(*name)) {
    return "ERR Library '" + *name + "' already exists";
  }
  std::variant<Library, std::string> compiled = Compile(code);
  if (auto* error = std::get_if<std::string>(&compiled)) return *error;
  std::vector<Library> incoming;
  incoming.push_back(std::move(std::get<Library>(compiled)));
  if (std::optional<std::string> clash = Clash(incoming, {*name})) {
    Release(incoming[0]);
    return clash;
  }
  Delete(*name);
  Add(std::move(incoming[0]));
  return std::nullopt;
}

void FunctionLibraries::Add(Library library) {
  for (const auto& [function, unused] : library.functions) owner_[function] = library.name;
  const std::string name = library.name;
  libraries_[name] = std::move(library);
}

void FunctionLibraries::Release(const Library& library) {
  for (const auto& [name, function] : library.functions) lua_->Release(function.function_ref);
}

bool FunctionLibraries::Delete(std::string_view name) {
  auto it = libraries_.find(name);
  if (it == libraries_.end()) return false;
  for (const auto& [function, unused] : it->second.functions) owner_.erase(function);
  Release(it->second);
  libraries_.erase(it);
  return true;
}

const Function* FunctionLibraries::Find(std::string_view name) const {
  auto owner = owner_.find(name);
  if (owner == owner_.end()) return nullptr;
  const Library& library = libraries_.find(owner->second)->second;
  const NameLessIgnoringCase less;
  for (const auto& [function_name, function] : library.functions) {
    if (!less(function_name, name) && !less(name, function_name)) return &function;
  }
  return nullptr;
}

std::string FunctionLibraries::Dump() const {
  std::string payload;
  store::rdb::Writer writer(payload);
  for (const auto& [name, library] : libraries_) {
    writer.Byte(store::rdb::kOpFunction2);
    writer.String(library.code);
  }
  store::rdb::SealPayload(payload);
  return payload;
}

std::optional<std::string> FunctionLibraries::Restore(std::string_view payload,
                                                      RestorePolicy policy) {
  const std::string kBadPayload = "ERR DUMP payload version or checksum are wrong";
  std::optional<std::string_view> body = store::rdb::OpenPayload(payload);
  if (!body) return kBadPayload;
  std::vector<std::string> codes;
  store::rdb::Reader reader(*body);
  while (!reader.at_end()) {
    std::optional<uint8_t> opcode = reader.Byte();
    if (opcode != store::rdb::kOpFunction2) return kBadPayload;
    std::optional<std::string> code = reader.String();
    if (!code) return kBadPayload;
    codes.push_back(std::move(*code));
  }
  std::vector<Library> incoming;
  auto release_incoming = [&] {
    for (const Library& library : incoming) Release(library);
  };
  for (const std::string& code : codes) {
    std::variant<Library, std::string> compiled = Compile(code);
    if (auto* error = std::get_if<std::string>(&compiled)) {
      release_incoming();
      return *error;
    }
    incoming.push_back(std::move(std::get<Library>(compiled)));
  }
  std::vector<std::string> removed;
  for (const auto& [name, library] : libraries_) {
    bool replaced = policy == RestorePolicy::kFlush;
    for (const Library& library : incoming) {
      replaced = replaced || (policy == RestorePolicy::kReplace && library.name == name);
    }
    if (replaced) removed.push_back(name);
  }
  if (std::optional<std::string> clash = Clash(incoming, removed)) {
    release_incoming();
    return clash;
  }
  for (const std::string& name : removed) Delete(name);
  for (Library& library : incoming) Add(std::move(library));
  return std::nullopt;
}

size_t FunctionLibraries::bytes() const {
  size_t total = 0;
  for (const auto& [name, library] : libraries_) {
    total += sizeof(Library) + name.size() + library.code.size();
    for (const auto& [function_name, function] : library.functions) {
      total += sizeof(Function) + function_name.size() +
               (function.description ? function.description->size() : 0);
    }
  }
  return total;
}

}  // namespace understudy::engine::scripting
