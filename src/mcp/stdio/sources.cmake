# stdio runtime: the bridge from Streamable HTTP sessions to stdio MCP server processes
# (included by src/mcp/CMakeLists.txt; paths relative to src/mcp).
list(APPEND MCP_SOURCES stdio/stdio_bridge.cpp stdio/stdio_session.cpp stdio/pending_requests.cpp
                        stdio/stdio_runtime.cpp)
# The bridge tests run the fixture servers in tests/fixtures/mcp/.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/stdio_bridge_test.cpp ${CMAKE_CURRENT_LIST_DIR}/stdio_everything_test.cpp
  PROPERTIES COMPILE_DEFINITIONS "KAOS_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
