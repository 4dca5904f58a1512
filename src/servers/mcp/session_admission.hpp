#pragma once
// Internal to the Streamable HTTP transport: who may open a new MCP session, and which idle
// session makes room for it. Pure: the transport passes a snapshot of its session table.
//
// Policy (docs/mcp.md, "Session limits"): a client (client_identity()) holds at most
// `max_per_client` sessions. A client at its limit that initializes again ends its own least
// recently active idle session; with none idle it is refused. When the server holds
// `max_sessions`, the least recently active idle session of the client holding the most
// sessions is ended. So one client's flood of `initialize` only ever ends its own sessions
// (or those of a client holding at least as many).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kaos::mcp::detail {

/// Who a session belongs to: the peer's IP address without the port (each connection has its
/// own port). `credential_id` (an API key's name, when keys are on) takes precedence, so
/// clients behind one proxy address are told apart.
std::string client_identity(std::string_view remote_address, std::string_view credential_id = {});

struct SessionLimits {
  std::size_t max_sessions = 10'000;
  std::size_t max_per_client = 256;
};

/// One row of the session table as the decision needs it.
struct SessionSnapshot {
  std::string_view session_id;
  std::string_view client;
  bool idle = false;
  std::chrono::steady_clock::time_point last_active;
};

struct Admission {
  enum class Verdict { admit, client_at_limit, server_at_limit };
  Verdict verdict = Verdict::admit;
  /// The session to end before admitting (only with Verdict::admit).
  std::optional<std::string> evict;
};

Admission decide_admission(const std::vector<SessionSnapshot>& sessions, std::string_view client,
                           const SessionLimits& limits);

}  // namespace kaos::mcp::detail
