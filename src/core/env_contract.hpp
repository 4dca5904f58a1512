#pragma once
// Names of the per-reference environment variables of KAOS's agent contract, written by the
// planner (src/plan) and read by the agent runtime (src/servers/agent): one definition, so the two
// sides cannot drift apart.
#include <string>
#include <string_view>

namespace kaos {

/// PEER_AGENT_<NAME>_CARD_URL. KAOS upper-cases the name and turns '-' into '_'; we also turn
/// '.' into '_' (legal in an Agent name, not in a shell-friendly variable) — identical for
/// names without dots.
std::string peer_card_url_var(std::string_view peer);

/// MCP_SERVER_<name>_URL, the name verbatim (not upper-cased), as KAOS's operator writes it.
std::string mcp_server_url_var(std::string_view server);

}  // namespace kaos
