// Must compile: what the agent may use (clients, and through them protocol, net and core).
// The control case: it proves the forbidden probes fail for their include, not for the setup.
#include "clients/mcp/client.hpp"
#include "core/json.hpp"
#include "servers/agent/config.hpp"
