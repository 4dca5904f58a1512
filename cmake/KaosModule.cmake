# kaos_module(NAME SOURCES... DEPS mod... LIBS lib...)
# Declares src/<NAME> as static library kaos_<NAME>. DEPS names the modules of ours it may
# include (DESIGN.md floors); anything else is not on its include path's link graph, so a
# forbidden include fails to link or to find the target. Tests named *_test.cpp in the folder
# become one executable <NAME>_unit_tests registered with CTest.
function(kaos_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;LIBS;TEST_LIBS" ${ARGN})
  add_library(kaos_${name} STATIC ${M_SOURCES})
  target_include_directories(kaos_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kaos_${name} PRIVATE kaos_warnings)
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(kaos_${name} PUBLIC kaos_${dep})
  endforeach()
  if(M_LIBS)
    target_link_libraries(kaos_${name} PUBLIC ${M_LIBS})
  endif()
  set_property(GLOBAL APPEND PROPERTY KAOS_MODULES ${name})
  set_property(TARGET kaos_${name} PROPERTY KAOS_ALLOWED_DEPS "${M_DEPS}")

  if(KAOS_BUILD_TESTS)
    file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp
                                      ${CMAKE_CURRENT_SOURCE_DIR}/*/*_test.cpp
                                      ${CMAKE_CURRENT_SOURCE_DIR}/*/*/*_test.cpp)
    if(tests)
      add_executable(${name}_unit_tests ${tests})
      target_link_libraries(${name}_unit_tests PRIVATE kaos_${name} kaos_warnings
                            ${M_TEST_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
      add_test(NAME ${name}_unit_tests COMMAND ${name}_unit_tests --gtest_brief=1)
      set_tests_properties(${name}_unit_tests PROPERTIES LABELS unit TIMEOUT 300)
    endif()
  endif()
endfunction()
