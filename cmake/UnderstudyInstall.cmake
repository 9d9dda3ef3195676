# `cmake --install <build> --prefix P` installs the client library as a CMake package:
#   P/include/understudy/{resp,store,server/engine,server/runtime,client}/...h
#   P/lib/libunderstudy_*.a, P/bin/understudy-server
#   P/lib/cmake/understudy/: understudyConfig.cmake, its version file, the exported targets
# so that find_package(understudy) gives understudy::client and the libraries it stands on.
include(CMakePackageConfigHelpers)

set(UNDERSTUDY_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/understudy)

# understudy::client and every library it links, directly or through the in-process engine.
set(_understudy_exported client runtime engine store resp base options asio)
set(_understudy_exported_targets "")
foreach(name IN LISTS _understudy_exported)
  set_target_properties(understudy_${name} PROPERTIES EXPORT_NAME ${name})
  list(APPEND _understudy_exported_targets understudy_${name})
endforeach()

install(TARGETS ${_understudy_exported_targets}
  EXPORT understudyTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
)
install(TARGETS understudy-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Every header of these folders, found at install time so a new header needs no edit here.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resp ${PROJECT_SOURCE_DIR}/store
                  ${PROJECT_SOURCE_DIR}/client
  DESTINATION ${UNDERSTUDY_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h"
)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/server/engine ${PROJECT_SOURCE_DIR}/server/runtime
  DESTINATION ${UNDERSTUDY_INSTALL_INCLUDEDIR}/server
  FILES_MATCHING PATTERN "*.h"
)

install(EXPORT understudyTargets
  NAMESPACE understudy::
  FILE understudyTargets.cmake
  DESTINATION ${UNDERSTUDY_INSTALL_CMAKEDIR}
)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/understudyConfig.cmake.in
  ${PROJECT_BINARY_DIR}/understudyConfig.cmake
  INSTALL_DESTINATION ${UNDERSTUDY_INSTALL_CMAKEDIR}
)
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/understudyConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion
)
install(FILES
  ${PROJECT_BINARY_DIR}/understudyConfig.cmake
  ${PROJECT_BINARY_DIR}/understudyConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/UnderstudySystemLibraries.cmake
  DESTINATION ${UNDERSTUDY_INSTALL_CMAKEDIR}
)

unset(_understudy_exported)
unset(_understudy_exported_targets)
