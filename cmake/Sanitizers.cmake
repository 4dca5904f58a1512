# Sanitizer and fuzzing builds (`make test-asan`, `make fuzz`; fuzz/README.md). Off by default:
# the normal build (`make`, `make test`) is untouched.
#
#   KAOS_SANITIZE=address,undefined  instruments every target of ours with ASan + UBSan; a UBSan
#                                    finding aborts the test (-fno-sanitize-recover), as ASan does.
#   KAOS_FUZZ=ON                     adds libFuzzer's coverage instrumentation (fuzzer-no-link)
#                                    and builds the targets in fuzz/ (clang only).
#
# `make fuzz` and `make test-asan` share one clang build dir with both, so the tree is compiled
# once for both (a full build is ~25 min on two cores); the coverage instrumentation costs the
# test suite little.
set(KAOS_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined (empty: none)")
option(KAOS_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

set(KAOS_SANITIZE_FLAGS)
if(KAOS_SANITIZE)
  list(APPEND KAOS_SANITIZE_FLAGS -fsanitize=${KAOS_SANITIZE} -fno-omit-frame-pointer)
  if(KAOS_SANITIZE MATCHES "undefined")
    # -fno-sanitize=function: clang 14 cannot emit that check's prologue data in coroutine
    # functions ("Cannot represent a difference across sections"), and every server is coroutines.
    list(APPEND KAOS_SANITIZE_FLAGS -fno-sanitize-recover=undefined -fno-sanitize=function)
  endif()
endif()
if(KAOS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KAOS_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  list(APPEND KAOS_SANITIZE_FLAGS -fsanitize=fuzzer-no-link)
endif()
if(KAOS_SANITIZE_FLAGS)
  # -O1 and line tables only: about half the compile time of -O2 -g on this two-core machine,
  # and all a sanitizer report needs (file:line in every frame).
  set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only -DNDEBUG")
  add_compile_options(${KAOS_SANITIZE_FLAGS})
  add_link_options(${KAOS_SANITIZE_FLAGS})
endif()

# kaos_unsanitized(TARGET): builds TARGET without the flags above. For the python-string worker
# only (fuzz/README.md, "Sanitizers"): it limits its own address space with RLIMIT_AS, under
# which ASan's terabytes of shadow mappings cannot exist, and it is glue around an
# uninstrumented libpython.
function(kaos_unsanitized target)
  if(NOT KAOS_SANITIZE_FLAGS)
    return()
  endif()
  foreach(prop COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(opts ${target} ${prop})
    if(opts)
      list(REMOVE_ITEM opts ${KAOS_SANITIZE_FLAGS})
      set_target_properties(${target} PROPERTIES ${prop} "${opts}")
    endif()
  endforeach()
endfunction()
