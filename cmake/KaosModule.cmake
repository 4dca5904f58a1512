# kaos_module(PATH [DEPS mod...] [LIBS lib...] [TEST_LIBS lib...] [GENERATED_SOURCES file...])
#
# Declares the folder src/<PATH> (e.g. `core`, `servers/agent`, `control/local`) as the static
# library kaos_<name>, where <name> is the last part of PATH. DEPS names the modules of ours it
# may use (DESIGN.md floors).
#
# Sources: every *.cpp below the folder, tests (*_test.cpp) excepted, and excepted too any
# subfolder with a CMakeLists.txt of its own (a separate executable such as the python worker).
# This is the one way sources are listed: adding a file never means editing CMake.
#
# Layering is enforced by the compiler: the module is compiled against its own include root,
# ${PROJECT_BINARY_DIR}/include-roots/<name>/, which holds links to the module itself and to the
# modules it may reach through DEPS (transitively) and nothing else. `#include "api/kinds.hpp"`
# from a server therefore fails with "No such file or directory" (tests/layering proves it).
# `src/` itself is on no include path.
#
# DEPS are linked PUBLIC so that third-party usage requirements travel (spdlog's compile
# definitions, core's precompiled header); include roots are PRIVATE and do not travel.
#
# Tests named *_test.cpp below the folder become one executable <name>_unit_tests, registered
# with CTest, compiled against the same include root.
function(kaos_module path)
  cmake_parse_arguments(M "" "" "DEPS;LIBS;TEST_LIBS;GENERATED_SOURCES" ${ARGN})
  get_filename_component(name ${path} NAME)
  set(dir ${PROJECT_SOURCE_DIR}/src/${path})
  set_property(GLOBAL PROPERTY KAOS_MODULE_PATH_${name} ${path})

  # The module's reach: itself, its DEPS and what they reach.
  set(reach ${name})
  foreach(dep IN LISTS M_DEPS)
    get_property(dep_reach GLOBAL PROPERTY KAOS_MODULE_REACH_${dep})
    if(NOT dep_reach)
      message(FATAL_ERROR "src/${path}: DEPS names '${dep}', which is not a module declared before it")
    endif()
    list(APPEND reach ${dep_reach})
  endforeach()
  list(REMOVE_DUPLICATES reach)
  set_property(GLOBAL PROPERTY KAOS_MODULE_REACH_${name} ${reach})

  kaos_sources(${dir} sources tests)
  add_library(kaos_${name} STATIC ${sources} ${M_GENERATED_SOURCES})
  kaos_include_root(kaos_${name} ${name} ${reach})
  target_link_libraries(kaos_${name} PRIVATE kaos_warnings)
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(kaos_${name} PUBLIC kaos_${dep})
  endforeach()
  if(M_LIBS)
    target_link_libraries(kaos_${name} PUBLIC ${M_LIBS})
  endif()
  set_property(GLOBAL APPEND PROPERTY KAOS_MODULES ${name})

  if(KAOS_BUILD_TESTS AND tests)
    add_executable(${name}_unit_tests ${tests})
    kaos_include_root(${name}_unit_tests ${name} ${reach})
    target_link_libraries(${name}_unit_tests PRIVATE kaos_${name} kaos_warnings
                          ${M_TEST_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
    # Tests may read fixtures and start helper programs from the source tree.
    target_compile_definitions(${name}_unit_tests PRIVATE KAOS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_test(NAME ${name}_unit_tests COMMAND ${name}_unit_tests --gtest_brief=1)
    set_tests_properties(${name}_unit_tests PROPERTIES LABELS unit TIMEOUT 300)
  endif()
endfunction()

# kaos_sources(DIR OUT_SOURCES OUT_TESTS): the *.cpp below DIR, split into sources and tests,
# leaving out subfolders that are targets of their own (they have a CMakeLists.txt).
function(kaos_sources dir out_sources out_tests)
  file(GLOB_RECURSE all CONFIGURE_DEPENDS ${dir}/*.cpp)
  file(GLOB_RECURSE own_targets ${dir}/CMakeLists.txt)
  foreach(cml IN LISTS own_targets)
    get_filename_component(sub ${cml} DIRECTORY)
    if(NOT sub STREQUAL dir)
      list(FILTER all EXCLUDE REGEX "^${sub}/")
    endif()
  endforeach()
  set(tests ${all})
  list(FILTER tests INCLUDE REGEX "_test\\.cpp$")
  list(FILTER all EXCLUDE REGEX "_test\\.cpp$")
  set(${out_sources} ${all} PARENT_SCOPE)
  set(${out_tests} ${tests} PARENT_SCOPE)
endfunction()

# kaos_include_root(TARGET ROOT_NAME MODULE...): compiles TARGET against an include root that
# holds a link for each MODULE at its path under src/ (so `servers/agent/loop.hpp` and
# `core/json.hpp` resolve) and nothing else. The root is rebuilt at every configure, so a
# dependency removed from DEPS disappears from the path too.
function(kaos_include_root target root_name)
  set(root ${PROJECT_BINARY_DIR}/include-roots/${root_name})
  get_property(made GLOBAL PROPERTY KAOS_INCLUDE_ROOT_MADE_${root_name})
  if(NOT made)
    file(REMOVE_RECURSE ${root})
    foreach(module IN LISTS ARGN)
      get_property(path GLOBAL PROPERTY KAOS_MODULE_PATH_${module})
      get_filename_component(parent ${root}/${path} DIRECTORY)
      file(MAKE_DIRECTORY ${parent})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${path} ${root}/${path} SYMBOLIC)
    endforeach()
    set_property(GLOBAL PROPERTY KAOS_INCLUDE_ROOT_MADE_${root_name} TRUE)
  endif()
  target_include_directories(${target} PRIVATE ${root})
endfunction()

# kaos_reach(OUT MODULE...): MODULE and everything it may use, for executables and probes.
function(kaos_reach out)
  set(reach)
  foreach(module IN LISTS ARGN)
    get_property(r GLOBAL PROPERTY KAOS_MODULE_REACH_${module})
    list(APPEND reach ${r})
  endforeach()
  list(REMOVE_DUPLICATES reach)
  set(${out} ${reach} PARENT_SCOPE)
endfunction()
