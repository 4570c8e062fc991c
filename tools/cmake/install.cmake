# `cmake --install`: the libraries, their headers (include/cortexsim/<folder>/...), the CLI,
# the Python package, and a CMake package, so a C++ program can
#   find_package(cortexsim) and link cortexsim::cortexsim_experiments (or any lower library).
# The libraries are static: their private dependencies (SUNDIALS, TOML++, HDF5, zlib, OpenMP)
# are found again by cortexsimConfig.cmake for the final link.
include(CMakePackageConfigHelpers)

set(CORTEXSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/cortexsim CACHE STRING
  "Where cortexsimConfig.cmake is installed")
set(_cortexsim_libraries cortexsim_warnings cortexsim_ode cortexsim_core cortexsim_config
  cortexsim_hdf5 cortexsim_compartments cortexsim_circuits cortexsim_cortex_models
  cortexsim_experiments)
install(TARGETS ${_cortexsim_libraries} EXPORT cortexsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cortexsim)
install(TARGETS cortexsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir core compartments circuits cortex_models)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cortexsim
    FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(EXPORT cortexsimTargets NAMESPACE cortexsim:: DESTINATION ${CORTEXSIM_INSTALL_CMAKEDIR})

set(CORTEXSIM_USES_OPENMP OFF)
if(CORTEXSIM_OPENMP AND OpenMP_CXX_FOUND)
  set(CORTEXSIM_USES_OPENMP ON)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/tools/cmake/cortexsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cortexsimConfig.cmake INSTALL_DESTINATION ${CORTEXSIM_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cortexsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cortexsimConfig.cmake
  ${PROJECT_BINARY_DIR}/cortexsimConfigVersion.cmake DESTINATION ${CORTEXSIM_INSTALL_CMAKEDIR})
