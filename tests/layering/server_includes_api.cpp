// Must NOT compile: a server (agent) is configured by its environment and may not read
// resources. Built by the layering_forbidden_* tests against the agent's include root.
#include "api/resource.hpp"
