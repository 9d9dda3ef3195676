# Builds and runs tests/package/consumer against this build of understudy (cmake -P script).
#   MODE=find_package      installs BUILD_DIR into WORK_DIR/prefix, then find_package
#   MODE=add_subdirectory  the consumer adds SOURCE_DIR as a subdirectory
# Also given: SOURCE_DIR, BUILD_DIR, WORK_DIR, GENERATOR, MAKE_PROGRAM, CXX_COMPILER,
# BUILD_TYPE, CCACHE (empty without ccache).
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
endfunction()

# Relative paths in ccache's keys let the builds of other checkouts at the same depth hit too.
if(NOT DEFINED ENV{CCACHE_BASEDIR})
  set(ENV{CCACHE_BASEDIR} "${SOURCE_DIR}")
endif()

set(consumer_build "${WORK_DIR}/build")
set(configure_args
  -G "${GENERATOR}" -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
if(CCACHE)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
endif()

if(MODE STREQUAL "find_package")
  set(prefix "${WORK_DIR}/prefix")
  file(REMOVE_RECURSE "${prefix}")
  run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
  foreach(expected
      include/understudy/resp/reply.h include/understudy/resp/base/strings.h
      include/understudy/store/database.h include/understudy/store/rdb/codec.h
      include/understudy/server/engine/engine.h
      include/understudy/server/engine/scripting/lua_state.h
      include/understudy/server/runtime/engine_host.h
      lib/cmake/understudy/understudyConfig.cmake
      lib/cmake/understudy/understudyConfigVersion.cmake
      bin/understudy-server)
    if(NOT EXISTS "${prefix}/${expected}")
      message(FATAL_ERROR "cmake --install did not install ${expected}")
    endif()
  endforeach()
  file(GLOB client_headers "${prefix}/include/understudy/client/*.h")
  if(NOT client_headers)
    message(FATAL_ERROR "cmake --install installed no header of client/")
  endif()
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND configure_args "-DUNDERSTUDY_SOURCE_DIR=${SOURCE_DIR}")
else()
  message(FATAL_ERROR "MODE must be find_package or add_subdirectory, not '${MODE}'")
endif()

# --fresh: option defaults and find results are those a first configure sees; the object files
# stay, so an unchanged subproject is not compiled again.
run(${CMAKE_COMMAND} --fresh -S "${SOURCE_DIR}/tests/package/consumer" -B "${consumer_build}"
    ${configure_args})
run(${CMAKE_COMMAND} --build "${consumer_build}" --target consumer --parallel 2)

# Our warning flags stay ours: the consumer's own file must not be compiled with them.
file(READ "${consumer_build}/compile_commands.json" compile_commands)
string(JSON entries LENGTH "${compile_commands}")
math(EXPR last "${entries} - 1")
foreach(i RANGE ${last})
  string(JSON file GET "${compile_commands}" ${i} file)
  if(file MATCHES "/tests/package/consumer/main\\.cc$")
    string(JSON command GET "${compile_commands}" ${i} command)
    if(command MATCHES "-Wpedantic|-Wextra")
      message(FATAL_ERROR "understudy's warning flags reached the consumer: ${command}")
    endif()
  endif()
endforeach()

run("${consumer_build}/consumer")
