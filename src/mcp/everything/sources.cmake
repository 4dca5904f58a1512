list(APPEND MCP_SOURCES everything/everything.cpp everything/everything_catalog.cpp)
