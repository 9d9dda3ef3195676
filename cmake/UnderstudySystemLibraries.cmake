# Debian packages without a CMake config, found by path and wrapped as imported targets:
#   understudy::asio_headers  standalone Asio (libasio-dev)
#   understudy::lua51         Lua 5.1 with Debian's cjson and bitop modules (liblua5.1-0-dev,
#                             lua-cjson, lua-bitop)
# The build includes this file and so does the installed understudyConfig.cmake, so exported
# targets name these targets rather than this machine's paths. Whatever was not found is listed
# in UNDERSTUDY_SYSTEM_LIBRARIES_MISSING; the includer decides how to fail.

set(UNDERSTUDY_SYSTEM_LIBRARIES_MISSING "")

if(NOT TARGET understudy::asio_headers)
  find_path(ASIO_INCLUDE_DIR asio.hpp)
  if(ASIO_INCLUDE_DIR)
    add_library(understudy::asio_headers INTERFACE IMPORTED)
    set_target_properties(understudy::asio_headers PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${ASIO_INCLUDE_DIR}")
  else()
    list(APPEND UNDERSTUDY_SYSTEM_LIBRARIES_MISSING "Asio headers (libasio-dev)")
  endif()
endif()

if(NOT TARGET understudy::lua51)
  find_path(LUA51_INCLUDE_DIR lua5.1/lua.hpp)
  find_library(LUA51_LIBRARY NAMES lua5.1 liblua5.1.so)
  # Debian ships the modules as versioned shared objects only, hence the full file names.
  find_library(LUA51_CJSON_LIBRARY NAMES liblua5.1-cjson.so.0 lua5.1-cjson)
  find_library(LUA51_BITOP_LIBRARY NAMES liblua5.1-bitop.so.0 lua5.1-bitop)
  set(_understudy_lua_missing "")
  foreach(_understudy_lua_part LUA51_INCLUDE_DIR LUA51_LIBRARY LUA51_CJSON_LIBRARY
                               LUA51_BITOP_LIBRARY)
    if(NOT ${_understudy_lua_part})
      list(APPEND _understudy_lua_missing ${_understudy_lua_part})
    endif()
  endforeach()
  if(_understudy_lua_missing)
    list(APPEND UNDERSTUDY_SYSTEM_LIBRARIES_MISSING
         "Lua 5.1 (${_understudy_lua_missing}: liblua5.1-0-dev, lua-cjson, lua-bitop)")
  else()
    add_library(understudy::lua51 INTERFACE IMPORTED)
    set_target_properties(understudy::lua51 PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${LUA51_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${LUA51_LIBRARY};${LUA51_CJSON_LIBRARY};${LUA51_BITOP_LIBRARY}")
  endif()
  unset(_understudy_lua_missing)
  unset(_understudy_lua_part)
endif()
