#pragma once
// The local runtime's control API, served on loopback for the CLI (and later the dashboard).
// Every request needs `Authorization: Bearer <token>`, the token living in a 0600 file of the
// state directory: only the user who started the runtime can drive it. Bodies are the types of
// protocol/kaos/control.hpp:
//
//   GET    /v1/status                          StatusReply {"supervisor":{pid,state_dir},"resources":[status...]}
//   GET    /v1/resources[/{kind}]              [ResourceStatus...] (kind: agent, modelapi, mcpserver, short names)
//   GET    /v1/resources/{kind}/{ns}/{name}    ResourceDescription (status + spec + command + env + events)
//   POST   /v1/apply   ApplyRequest            → 200 ApplyReply | 422 ApplyRejection
//   POST   /v1/delete  DeleteRequest           → 200 DeleteReply
//   POST   /v1/shutdown                        202; stops every workload, then the supervisor
// Errors are {"detail": "..."} (400 names the bad field, 401, 404).
#include <functional>
#include <memory>
#include <string>

#include "control/local/supervisor.hpp"
#include "net/router.hpp"

namespace kaos::local {

std::shared_ptr<net::Router> make_control_router(Supervisor& supervisor, std::string token,
                                                 std::function<void()> request_shutdown);

/// A workload kind in any spelling KAOS accepts (api/kinds.hpp: kind, singular, plural, short
/// names, any case): "agents" → "Agent", "api" → "ModelAPI", "mcp" → "MCPServer"; empty for
/// anything that is not a workload kind.
std::string canonical_kind(std::string_view word);
/// The workload kinds as a user types them, for messages: "modelapi, mcpserver, memorystore, …".
std::string kind_words();

}  // namespace kaos::local
