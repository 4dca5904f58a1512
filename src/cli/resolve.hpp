#pragma once
// Finding a resource's endpoint for the commands that talk to agents, MCP servers and model
// APIs (`kaos chat`, `invoke`, `tasks`, `memory`, `tools`, `models`): an explicit --url wins;
// otherwise the local runtime (`kaos up`) is asked through its control API. (The operator
// issue will add the cluster as a third source.)
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kaos::cli {

/// `kind` is "agent", "mcpserver" or "modelapi". Errors say what to do next, e.g. "no local
/// runtime is running (start one with `kaos up -f DIR`)" or "agent 'x' is Failed: ...".
Result<std::string> resolve_endpoint(std::string_view kind, std::string_view name, std::string_view namespace_,
                                     std::string_view explicit_url = {});

}  // namespace kaos::cli
