#include "server/engine/command_args.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "resp/base/strings.h"

namespace understudy::engine {
namespace {

constexpr std::array<std::pair<ArgType, std::string_view>, 9> kTypeNames = {{
    {ArgType::kString, "string"},
    {ArgType::kInteger, "integer"},
    {ArgType::kDouble, "double"},
    {ArgType::kKey, "key"},
    {ArgType::kPattern, "pattern"},
    {ArgType::kUnixTime, "unix-time"},
    {ArgType::kPureToken, "pure-token"},
    {ArgType::kOneOf, "oneof"},
    {ArgType::kBlock, "block"},
}};

// The types a name may carry after ':'; tokens and groups have their own syntax.
std::optional<ArgType> ValueType(std::string_view name) {
  for (const auto& [type, type_name] : kTypeNames) {
    if (type_name == name && type != ArgType::kPureToken && type != ArgType::kOneOf &&
        type != ArgType::kBlock) {
      return type;
    }
  }
  return std::nullopt;
}

// A name or token as written, before its suffixes; quotes removed.
struct Word {
  std::string text;
  size_t equals = std::string::npos;  // where "name=TOKEN" splits
  bool quoted = false;

  // Tokens are written without lower-case letters, or quoted.
  bool IsToken() const {
    return equals == std::string::npos &&
           (quoted || (!text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
              return absl::ascii_islower(c);
            })));
  }
};

class SyntaxParser {
 public:
  explicit SyntaxParser(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<CommandArg>> Parse() {
    std::vector<CommandArg> args = Sequence('\0');
    if (error_.empty() && pos_ < text_.size()) Fail("unexpected character");
    if (!error_.empty()) return absl::InvalidArgumentError(error_);
    int next_key = 0;
    AssignKeySpecs(args, next_key);
    return args;
  }

 private:
  void Fail(std::string_view what) {
    if (error_.empty()) {
      error_ = absl::StrCat(base::AbslView(what), " at offset ", pos_, " of \"",
                            base::AbslView(text_), "\"");
    }
  }
  bool AtEnd() const { return pos_ >= text_.size() || !error_.empty(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool LookingAt(std::string_view s) const {
    return error_.empty() && text_.substr(pos_).starts_with(s);
  }
  void SkipSpaces() {
    while (!AtEnd() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  void Expect(char c) {
    SkipSpaces();
    if (Peek() != c) return Fail(absl::StrCat("expected '", std::string(1, c), "'"));
    ++pos_;
  }
  static bool EndsWord(char c) {
    return absl::ascii_isspace(c) ||
           std::string_view("[](){}|@#!").find(c) != std::string_view::npos;
  }

  // Items in sequence up to `close` ('\0': the end).
  std::vector<CommandArg> Sequence(char close) {
    std::vector<CommandArg> args;
    for (SkipSpaces(); !AtEnd() && Peek() != close; SkipSpaces()) args.push_back(Item());
    return args;
  }

  // One item per alternative, separated by '|', up to ')'.
  std::vector<CommandArg> Alternatives() {
    std::vector<CommandArg> args = {Item()};
    for (SkipSpaces(); Peek() == '|'; SkipSpaces()) {
      ++pos_;
      args.push_back(Item());
    }
    return args;
  }

  CommandArg Item() {
    SkipSpaces();
    if (Peek() != '[') return Core();
    ++pos_;
    CommandArg arg = Core();
    Expect(']');
    arg.optional = true;
    if (LookingAt("...")) {
      pos_ += 3;
      if (!arg.token) Fail("only an argument with a token repeats with it");
      arg.multiple = arg.multiple_token = true;
    }
    return arg;
  }

  // A pure token, a name, or a token followed by a name, with its suffixes.
  CommandArg Core() {
    SkipSpaces();
    Word first = ReadWord();
    if (first.IsToken()) {
      const size_t after_token = pos_;
      SkipSpaces();
      if (after_token != pos_ && absl::ascii_islower(Peek())) {
        return Named(ReadWord(), std::move(first.text));
      }
      pos_ = after_token;
      if (first.quoted) Fail("a quoted token needs a name (name='token')");
      CommandArg arg;
      arg.name = absl::AsciiStrToLower(first.text);
      arg.type = ArgType::kPureToken;
      arg.token = std::move(first.text);
      Suffixes(arg);
      return arg;
    }
    return Named(std::move(first), std::nullopt);
  }

  CommandArg Named(Word word, std::optional<std::string> token) {
    CommandArg arg;
    arg.token = std::move(token);
    if (word.text.empty()) {
      Fail("expected an argument");
    } else if (word.equals != std::string::npos) {
      if (arg.token) Fail("a pure token after a token");
      arg.name = word.text.substr(0, word.equals);
      arg.type = ArgType::kPureToken;
      arg.token = word.text.substr(word.equals + 1);
    } else if (word.text.ends_with(':') && (Peek() == '(' || Peek() == '{')) {
      arg.name = word.text.substr(0, word.text.size() - 1);
      const char close = Peek() == '(' ? ')' : '}';
      ++pos_;
      arg.type = close == ')' ? ArgType::kOneOf : ArgType::kBlock;
      arg.args = close == ')' ? Alternatives() : Sequence('}');
      Expect(close);
      if (arg.args.empty()) Fail("an empty group");
    } else {
      arg.name = std::move(word.text);
      const size_t colon = arg.name.rfind(':');
      if (colon != std::string::npos) {
        if (auto type = ValueType(std::string_view(arg.name).substr(colon + 1))) {
          arg.type = *type;
          arg.name.resize(colon);
        }
      }
    }
    if (arg.name.empty()) Fail("an argument without a name");
    Suffixes(arg);
    return arg;
  }

  Word ReadWord() {
    Word word;
    while (!AtEnd() && !EndsWord(Peek()) && !LookingAt("...")) {
      const char c = text_[pos_++];
      if (c == '\'') {
        const size_t close = text_.find('\'', pos_);
        if (close == std::string_view::npos) {
          Fail("unclosed quote");
          break;
        }
        word.text.append(text_.substr(pos_, close - pos_));
        word.quoted = true;
        pos_ = close + 1;
      } else if (c == '=' && word.equals == std::string::npos) {
        word.equals = word.text.size();
        word.text.push_back(c);
      } else {
        word.text.push_back(c);
      }
    }
    return word;
  }

  // "...", "@since", "!deprecated-since", "#key-spec-index", in any order.
  void Suffixes(CommandArg& arg) {
    while (!AtEnd()) {
      if (LookingAt("...")) {
        pos_ += 3;
        arg.multiple = true;
      } else if (Peek() == '@') {
        ++pos_;
        arg.since = ReadVersion();
      } else if (Peek() == '!') {
        ++pos_;
        arg.deprecated_since = ReadVersion();
      } else if (Peek() == '#') {
        ++pos_;
        const size_t start = pos_;
        int index = 0;
        while (absl::ascii_isdigit(Peek())) index = index * 10 + (text_[pos_++] - '0');
        if (pos_ == start) Fail("expected a key spec index");
        arg.key_spec_index = index;
      } else {
        break;
      }
    }
  }

  // "6.2.0": numbers separated by single dots (so "6.2.0..." is a version then "...").
  std::string ReadVersion() {
    const size_t start = pos_;
    while (absl::ascii_isdigit(Peek())) {
      while (absl::ascii_isdigit(Peek())) ++pos_;
      if (LookingAt(".") && pos_ + 1 < text_.size() && absl::ascii_isdigit(text_[pos_ + 1])) ++pos_;
    }
    if (pos_ == start) Fail("expected a version");
    return std::string(text_.substr(start, pos_ - start));
  }

  // Keys without an index written take the next one, in the order they appear.
  static void AssignKeySpecs(std::vector<CommandArg>& args, int& next) {
    for (CommandArg& arg : args) {
      if (arg.key_spec_index >= 0) {
        next = std::max(next, arg.key_spec_index + 1);
      } else if (arg.type == ArgType::kKey) {
        arg.key_spec_index = next++;
      }
      AssignKeySpecs(arg.args, next);
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::string_view ArgTypeName(ArgType type) { return kTypeNames[static_cast<size_t>(type)].second; }

absl::StatusOr<std::vector<CommandArg>> ParseCommandArgs(std::string_view syntax) {
  return SyntaxParser(syntax).Parse();
}

}  // namespace understudy::engine
