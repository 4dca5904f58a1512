# Third-party dependencies, all from Debian 12 packages (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED)       # header-only use: Asio, Beast, JSON, URL
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
# hiredis: only its RESP reader and command formatter; the I/O is ours on Asio (clients/redis).
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# Embedded Python for the python-string worker (src/servers/mcp/python/worker): Debian's python3.11,
# never the python3 first on PATH (a pyenv build there has other paths and no libpython-dev).
if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3.11)
  set(Python3_EXECUTABLE /usr/bin/python3.11 CACHE FILEPATH "Python the python-string worker embeds")
endif()
find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter Development.Embed)
find_package(pybind11 CONFIG REQUIRED)             # after Python3: uses its targets
if(KAOS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
