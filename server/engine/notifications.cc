#include "server/engine/notifications.h"

#include <charconv>

namespace understudy::engine {
namespace {

struct ClassLetter {
  char letter;
  uint32_t classes;
};

// The event classes in the order CONFIG GET lists them when not all of A are set.
constexpr ClassLetter kEventLetters[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew},
};

// The classes one letter of notify-keyspace-events names; nullopt for no class.
std::optional<uint32_t> LetterClasses(char c) {
  switch (c) {
    case 'A':
      return kNotifyAll;
    case 'K':
      return kNotifyKeyspace;
    case 'E':
      return kNotifyKeyevent;
    case 'm':
      return kNotifyKeyMiss;
    default:
      for (const ClassLetter& letter : kEventLetters) {
        if (letter.letter == c) return letter.classes;
      }
      return std::nullopt;
  }
}

}  // namespace

std::optional<uint32_t> ParseNotifyClasses(std::string_view text) {
  uint32_t classes = 0;
  for (char c : text) {
    const std::optional<uint32_t> named = LetterClasses(c);
    if (!named) return std::nullopt;
    classes |= *named;
  }
  return classes;
}

std::string RenderNotifyClasses(uint32_t classes) {
  std::string text;
  if ((classes & kNotifyAll) == kNotifyAll) {
    text += 'A';
  } else {
    for (const ClassLetter& letter : kEventLetters) {
      if (classes & letter.classes) text += letter.letter;
    }
  }
  if (classes & kNotifyKeyspace) text += 'K';
  if (classes & kNotifyKeyevent) text += 'E';
  if (classes & kNotifyKeyMiss) text += 'm';
  return text;
}

std::string_view NotificationChannels::Keyspace(int db, std::string_view key) {
  return Build("__keyspace@", db, key);
}

std::string_view NotificationChannels::Keyevent(int db, std::string_view event) {
  return Build("__keyevent@", db, event);
}

std::string_view NotificationChannels::Build(std::string_view prefix, int db,
                                             std::string_view suffix) {
  char digits[16];
  const auto [end, error] = std::to_chars(std::begin(digits), std::end(digits), db);
  buffer_.assign(prefix);
  buffer_.append(digits, end);
  buffer_.append("__:");
  buffer_.append(suffix);
  return buffer_;
}

}  // namespace understudy::engine
