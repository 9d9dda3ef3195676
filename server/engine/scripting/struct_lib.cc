// The struct library of Redis's Lua: binary records described by a format string.
//   > < !n   big endian, little endian, alignment n (native without n)
//   x        a padding byte
//   b B h H l L T i[n] I[n]   signed and unsigned integers (i and I of n bytes)
//   f d n    float, double, Lua number
//   c[n]     n characters (c0: the whole string when packing; the size read just before when
//            unpacking)
//   s        a zero-terminated string
#include <bit>
#include <cctype>
#include <climits>
#include <cstddef>
#include <cstring>
#include <lua5.1/lua.hpp>
#include <utility>

#include "server/engine/scripting/libraries.h"

namespace understudy::engine::scripting {
namespace {

constexpr int kMaxIntSize = 32;
// The strictest alignment of this platform's basic types, what '!' alone asks for.
constexpr int kNativeAlign = alignof(std::max_align_t) > 8 ? 8 : alignof(std::max_align_t);

struct FormatState {
  bool little = std::endian::native == std::endian::little;
  int align = 1;
};

bool IsPowerOfTwo(int x) { return (x & (x - 1)) == 0; }

// Reads the decimal number at *fmt, or `fallback` if there is none.
int ReadNumber(lua_State* lua, const char** fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return fallback;
  int value = 0;
  do {
    const int digit = *(*fmt)++ - '0';
    if (value > (INT_MAX / 10) || value * 10 > INT_MAX - digit) {
      luaL_error(lua, "integral size overflow");
    }
    value = value * 10 + digit;
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return value;
}

// The size of option `opt` (its count read from the format for c, i and I).
size_t OptionSize(lua_State* lua, char opt, const char** fmt) {
  switch (opt) {
    case 'B':
    case 'b':
    case 'x':
      return 1;
    case 'H':
    case 'h':
      return sizeof(short);
    case 'L':
    case 'l':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'n':
      return sizeof(lua_Number);
    case 'c':
      return ReadNumber(lua, fmt, 1);
    case 'i':
    case 'I': {
      const int size = ReadNumber(lua, fmt, sizeof(int));
      if (size > kMaxIntSize) {
        luaL_error(lua, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      }
      return size;
    }
    default:
      return 0;
  }
}

// Padding before an item of `size` at offset `at`.
size_t Padding(lua_State* lua, size_t at, const FormatState& state, char opt, size_t size) {
  if (size <= 1 || opt == 'c') return 0;
  size_t align = size;
  if (align > static_cast<size_t>(state.align)) align = state.align;
  if ((align & (align - 1)) != 0) luaL_argerror(lua, 1, "format asks for alignment not power of 2");
  return (align - (at & (align - 1))) & (align - 1);
}

[[noreturn]] void InvalidOption(lua_State* lua, char opt) {
  luaL_argerror(lua, 1, lua_pushfstring(lua, "invalid format option '%c'", opt));
  __builtin_unreachable();
}

// Applies the state-changing options; false if opt is not one of them.
bool ControlOption(lua_State* lua, char opt, const char** fmt, FormatState& state) {
  switch (opt) {
    case ' ':
      return true;
    case '>':
      state.little = false;
      return true;
    case '<':
      state.little = true;
      return true;
    case '!': {
      const int align = ReadNumber(lua, fmt, kNativeAlign);
      if (!IsPowerOfTwo(align)) luaL_error(lua, "alignment %d is not a power of 2", align);
      state.align = align;
      return true;
    }
    default:
      if (opt == '\0' || std::strchr("bBhHlLTiIfdncsx", opt) == nullptr) InvalidOption(lua, opt);
      return false;
  }
}

// The packed bytes go to a luaL_Buffer, which Lua frees should an argument error unwind Pack.
struct Output {
  luaL_Buffer buffer;
  size_t size = 0;

  void Add(const char* bytes, size_t count) {
    luaL_addlstring(&buffer, bytes, count);
    size += count;
  }
  void AddZeros(size_t count) {
    for (size_t i = 0; i < count; ++i) luaL_addchar(&buffer, '\0');
    size += count;
  }
};

void AddInteger(Output& out, lua_Number number, bool little, size_t size) {
  const unsigned long long value =
      number < 0 ? static_cast<unsigned long long>(static_cast<long long>(number))
                 : static_cast<unsigned long long>(number);
  char bytes[kMaxIntSize];
  unsigned long long rest = value;
  for (size_t i = 0; i < size; ++i) {
    bytes[little ? i : size - 1 - i] = static_cast<char>(rest & 0xff);
    rest = i + 1 < sizeof(rest) ? rest >> 8 : 0;
  }
  out.Add(bytes, size);
}

// Floats are stored in the format's byte order.
void AddFloat(Output& out, const void* value, size_t size, bool little) {
  char bytes[sizeof(double)];
  std::memcpy(bytes, value, size);
  if (little != (std::endian::native == std::endian::little)) {
    for (size_t i = 0; i < size / 2; ++i) std::swap(bytes[i], bytes[size - 1 - i]);
  }
  out.Add(bytes, size);
}

void ReadFloat(const char* data, void* value, size_t size, bool little) {
  char bytes[sizeof(double)];
  std::memcpy(bytes, data, size);
  if (little != (std::endian::native == std::endian::little)) {
    for (size_t i = 0; i < size / 2; ++i) std::swap(bytes[i], bytes[size - 1 - i]);
  }
  std::memcpy(value, bytes, size);
}

// Reads a float of type T (as its format letter sized it) and pushes it as a Lua number.
template <typename T>
void PushFloat(lua_State* lua, const char* data, size_t size, bool little) {
  T value;
  ReadFloat(data, &value, size, little);
  lua_pushnumber(lua, value);
}

// struct.pack(fmt, v1, v2, ...)
int Pack(lua_State* lua) {
  FormatState state;
  const char* fmt = luaL_checkstring(lua, 1);
  int arg = 2;
  Output out;
  luaL_buffinit(lua, &out.buffer);
  while (*fmt != '\0') {
    const char opt = *fmt++;
    if (ControlOption(lua, opt, &fmt, state)) continue;
    size_t size = OptionSize(lua, opt, &fmt);
    out.AddZeros(Padding(lua, out.size, state, opt, size));
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        AddInteger(out, luaL_checknumber(lua, arg++), state.little, size);
        break;
      case 'x':
        out.AddZeros(1);
        break;
      case 'f': {
        const float value = static_cast<float>(luaL_checknumber(lua, arg++));
        AddFloat(out, &value, size, state.little);
        break;
      }
      case 'd': {
        const double value = luaL_checknumber(lua, arg++);
        AddFloat(out, &value, size, state.little);
        break;
      }
      case 'n': {
        const lua_Number value = luaL_checknumber(lua, arg++);
        AddFloat(out, &value, size, state.little);
        break;
      }
      case 'c':
      case 's': {
        size_t length = 0;
        const char* s = luaL_checklstring(lua, arg++, &length);
        if (opt == 'c') {
          if (size == 0) size = length;
          luaL_argcheck(lua, length >= size, arg, "string too short");
          out.Add(s, size);
        } else {
          luaL_argcheck(lua, std::strlen(s) == length, arg, "string contains zeros");
          out.Add(s, length);
          out.AddZeros(1);
        }
        break;
      }
      default:
        InvalidOption(lua, opt);
    }
  }
  luaL_pushresult(&out.buffer);
  return 1;
}

lua_Number ReadInteger(const char* data, bool little, bool is_signed, size_t size) {
  unsigned long long value = 0;
  for (size_t i = 0; i < size; ++i) {
    const unsigned char byte = static_cast<unsigned char>(data[little ? size - 1 - i : i]);
    value = (value << 8) | byte;
  }
  if (!is_signed) return static_cast<lua_Number>(value);
  if (size < sizeof(value)) {
    const unsigned long long sign = 1ULL << (size * 8 - 1);
    if (value & sign) value |= ~((sign << 1) - 1);
  }
  return static_cast<lua_Number>(static_cast<long long>(value));
}

// struct.unpack(fmt, data [, init]): the values, then the position after them.
int Unpack(lua_State* lua) {
  FormatState state;
  const char* fmt = luaL_checkstring(lua, 1);
  size_t length = 0;
  const char* data = luaL_checklstring(lua, 2, &length);
  size_t pos = static_cast<size_t>(luaL_optinteger(lua, 3, 1)) - 1;
  luaL_argcheck(lua, static_cast<lua_Integer>(pos) >= 0, 3, "offset must be 1 or greater");
  int pushed = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    if (ControlOption(lua, opt, &fmt, state)) continue;
    size_t size = OptionSize(lua, opt, &fmt);
    pos += Padding(lua, pos, state, opt, size);
    luaL_argcheck(lua, size <= length && pos <= length - size, 2, "data string too short");
    luaL_checkstack(lua, 2, "too many results");
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        const bool is_signed = std::islower(static_cast<unsigned char>(opt));
        lua_pushnumber(lua, ReadInteger(data + pos, state.little, is_signed, size));
        ++pushed;
        break;
      }
      case 'x':
        break;
      case 'f':
        PushFloat<float>(lua, data + pos, size, state.little);
        ++pushed;
        break;
      case 'd':
        PushFloat<double>(lua, data + pos, size, state.little);
        ++pushed;
        break;
      case 'n':
        PushFloat<lua_Number>(lua, data + pos, size, state.little);
        ++pushed;
        break;
      case 'c': {
        if (size == 0) {
          if (pushed == 0 || !lua_isnumber(lua, -1)) {
            luaL_error(lua, "format 'c0' needs a previous size");
          }
          size = static_cast<size_t>(lua_tonumber(lua, -1));
          lua_pop(lua, 1);
          --pushed;
          luaL_argcheck(lua, size <= length - pos, 2, "data string too short");
        }
        lua_pushlstring(lua, data + pos, size);
        ++pushed;
        break;
      }
      case 's': {
        const void* end = std::memchr(data + pos, '\0', length - pos);
        if (end == nullptr) luaL_error(lua, "unfinished string in data");
        size = static_cast<const char*>(end) - (data + pos) + 1;
        lua_pushlstring(lua, data + pos, size - 1);
        ++pushed;
        break;
      }
      default:
        InvalidOption(lua, opt);
    }
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos) + 1);
  return pushed + 1;
}

// struct.size(fmt): the bytes pack(fmt, ...) makes, for formats of fixed size.
int Size(lua_State* lua) {
  FormatState state;
  const char* fmt = luaL_checkstring(lua, 1);
  size_t total = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    if (ControlOption(lua, opt, &fmt, state)) continue;
    const size_t size = OptionSize(lua, opt, &fmt);
    total += Padding(lua, total, state, opt, size);
    if (opt == 's') {
      luaL_argerror(lua, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(lua, 1, "option 'c0' has no fixed size");
    }
    total += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(total));
  return 1;
}

}  // namespace

int OpenStruct(lua_State* lua) {
  static const luaL_Reg kFunctions[] = {
      {"pack", Pack}, {"unpack", Unpack}, {"size", Size}, {nullptr, nullptr}};
  lua_newtable(lua);
  luaL_register(lua, nullptr, kFunctions);
  return 1;
}

}  // namespace understudy::engine::scripting
