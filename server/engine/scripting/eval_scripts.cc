#include "server/engine/scripting/eval_scripts.h"

#include <cctype>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "server/engine/errors.h"
#include "server/engine/scripting/script_run.h"
#include "server/engine/scripting/sha1.h"

namespace understudy::engine::scripting {
namespace {

struct NamedFlag {
  std::string_view name;
  ScriptFlag flag;
};
constexpr NamedFlag kFlagNames[] = {
    {"no-writes", kScriptNoWrites},
    {"allow-oom", kScriptAllowOom},
    {"allow-stale", kScriptAllowStale},
    {"no-cluster", kScriptNoCluster},
    {"allow-cross-slot-keys", kScriptAllowCrossSlotKeys},
};

// The words of the shebang line, split on blanks.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    const size_t start = at;
    while (at < line.size() && !std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    if (at > start) words.push_back(line.substr(start, at - start));
  }
  return words;
}

// The shebang line's length (up to its newline, which stays so line numbers do not move).
size_t ShebangLength(std::string_view body) { return body.starts_with("#!") ? body.find('\n') : 0; }

}  // namespace

std::variant<uint32_t, std::string> ParseShebang(std::string_view body) {
  if (!body.starts_with("#!")) return uint32_t{kScriptEvalCompat};
  const size_t end = body.find('\n');
  if (end == std::string_view::npos) return std::string("Invalid script shebang");
  const std::vector<std::string_view> words = Words(body.substr(0, end));
  if (words.empty()) return std::string("Invalid engine in script shebang");
  if (words[0] != "#!lua") return errors::ShebangUnknownEngine(words[0]);
  uint32_t flags = 0;
  for (size_t i = 1; i < words.size(); ++i) {
    if (!words[i].starts_with("flags=")) return errors::ShebangUnknownOption(words[i]);
    const std::string_view list = words[i].substr(6);
    if (list.empty()) continue;
    for (absl::string_view name :
         absl::StrSplit(absl::string_view(list.data(), list.size()), ',')) {
      const NamedFlag* found = nullptr;
      for (const NamedFlag& known : kFlagNames) {
        if (known.name == std::string_view(name.data(), name.size())) found = &known;
      }
      if (found == nullptr) {
        return errors::ShebangUnknownFlag(std::string_view(name.data(), name.size()));
      }
      flags |= found->flag;
    }
  }
  return flags;
}

EvalScripts::EvalScripts(RandomState& random)
    : random_(random), lua_(std::make_unique<LuaState>(random)) {}

std::variant<const EvalScripts::Script*, std::string> EvalScripts::Load(std::string_view body,
                                                                        std::string* sha) {
  *sha = Sha1Hex(body);
  if (auto it = scripts_.find(*sha); it != scripts_.end()) return &it->second;
  std::variant<uint32_t, std::string> flags = ParseShebang(body);
  if (auto* error = std::get_if<std::string>(&flags)) return "ERR " + *error;
  std::variant<int, std::string> compiled =
      lua_->Compile(body.substr(ShebangLength(body)), "@user_script");
  if (auto* error = std::get_if<std::string>(&compiled)) {
    std::string text = errors::ScriptCompileError(*error);
    for (char& c : text) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    return text;
  }
  bytes_ += sha->size() + body.size() + sizeof(Script);
  auto [it, inserted] = scripts_.emplace(*sha, Script{.body = std::string(body),
                                                      .function_ref = std::get<int>(compiled),
                                                      .flags = std::get<uint32_t>(flags)});
  return &it->second;
}

const EvalScripts::Script* EvalScripts::Find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  const std::string lower = absl::AsciiStrToLower(absl::string_view(sha.data(), sha.size()));
  auto it = scripts_.find(std::string_view(lower));
  return it == scripts_.end() ? nullptr : &it->second;
}

void EvalScripts::Flush() {
  scripts_.clear();
  bytes_ = 0;
  lua_ = std::make_unique<LuaState>(random_);
}

}  // namespace understudy::engine::scripting
