// Must NOT compile: servers never include each other (agent → mcp server).
#include "servers/mcp/server.hpp"
