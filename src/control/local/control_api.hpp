#pragma once
// The local runtime's control API, served on loopback for the CLI (and later the dashboard).
// Every request needs `Authorization: Bearer <token>`, the token living in a 0600 file of the
// state directory: only the user who started the runtime can drive it.
//
//   GET    /v1/status                          {"supervisor":{pid,state_dir,...},"resources":[status...]}
//   GET    /v1/resources[/{kind}]              [status...] (kind: agent, modelapi, mcpserver)
//   GET    /v1/resources/{kind}/{ns}/{name}    status + spec + command + env names + events
//   POST   /v1/apply   {"sources":[{"name","text"}],"prune":bool}  → {"actions":[{id,action}]} | 422 {"errors":[...]}
//   POST   /v1/delete  {"sources":[...]} or {"resources":[{kind,namespace,name}]} → {"deleted":[ids]}
//   POST   /v1/shutdown                        202; stops every workload, then the supervisor
#include <functional>
#include <memory>
#include <string>

#include "control/local/supervisor.hpp"
#include "net/router.hpp"

namespace kaos::local {

std::shared_ptr<net::Router> make_control_router(Supervisor& supervisor, std::string token,
                                                 std::function<void()> request_shutdown);

/// "agent", "agents", "Agent" → "Agent"; "modelapi", "api", "apis" → "ModelAPI"; "mcpserver",
/// "mcp", "mcps" → "MCPServer" (KAOS's short names); empty for anything else.
std::string canonical_kind(std::string_view word);

}  // namespace kaos::local
