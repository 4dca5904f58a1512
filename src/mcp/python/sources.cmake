# python-string runtime (included by src/mcp/CMakeLists.txt; paths relative to src/mcp).
# The worker executable it drives is python/worker/ (its own target, kaos-python-worker).
list(APPEND MCP_SOURCES python/python_runtime.cpp python/python_options.cpp python/worker_process.cpp
                        python/python_string_runtime.cpp)
