# Compiler flags and build-time hygiene (DESIGN.md §11): ccache when present, warnings on,
# no exceptions to the standard.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(kaos_warnings INTERFACE)
# -Wmismatched-new-delete: GCC 12 reports every asio::awaitable frame freed by Asio's sized
# operator delete as mismatched (a false positive of its coroutine lowering); with coroutines
# in every server the real warnings drowned in it.
target_compile_options(kaos_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter -Wno-mismatched-new-delete)

# Boost.Asio: no deprecated API, and one definition of the standard-library coroutine support.
# The recycling cache: Asio keeps freed coroutine frames and operation blocks per thread for
# reuse, 2 per kind by default; a proxied request nests about a dozen coroutine frames, so with
# 2 most of them went to malloc. Must be the same in every translation unit (it sizes a
# per-thread struct), hence here.
# Its block allocations use plain operator new (malloc, 16-byte aligned, the alignment of
# every type here; nothing in the project is over-aligned): the default aligned_alloc takes
# glibc's slow memalign path, bypassing its per-thread cache, for every coroutine frame the
# recycling cache misses.
add_compile_definitions(
  BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=16
  BOOST_ASIO_DISABLE_STD_ALIGNED_ALLOC
  BOOST_ASIO_DISABLE_BOOST_ALIGN
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE
  BOOST_BEAST_USE_STD_STRING_VIEW
  BOOST_JSON_NO_LIB
  BOOST_URL_NO_LIB
  BOOST_CONTAINER_NO_LIB)
