#include "servers/mcp/session_admission.hpp"

#include <unordered_map>

namespace kaos::mcp::detail {

std::string client_identity(std::string_view remote_address, std::string_view credential_id) {
  if (!credential_id.empty()) return "key:" + std::string(credential_id);
  // "1.2.3.4:5678" and "::1:5678" (Asio writes IPv6 without brackets): the port is after the
  // last colon.
  auto colon = remote_address.rfind(':');
  return "addr:" + std::string(colon == std::string_view::npos ? remote_address : remote_address.substr(0, colon));
}

namespace {

struct ClientTally {
  std::size_t sessions = 0;
  const SessionSnapshot* oldest_idle = nullptr;
};

}  // namespace

Admission decide_admission(const std::vector<SessionSnapshot>& sessions, std::string_view client,
                           const SessionLimits& limits) {
  std::unordered_map<std::string_view, ClientTally> tally;
  for (const auto& s : sessions) {
    auto& t = tally[s.client];
    ++t.sessions;
    if (s.idle && (t.oldest_idle == nullptr || s.last_active < t.oldest_idle->last_active)) t.oldest_idle = &s;
  }
  Admission out;
  const auto& own = tally[client];
  if (own.sessions >= limits.max_per_client) {
    if (own.oldest_idle == nullptr) return {Admission::Verdict::client_at_limit, std::nullopt};
    out.evict = std::string(own.oldest_idle->session_id);
    return out;
  }
  if (sessions.size() < limits.max_sessions) return out;
  // Full: take from the biggest holder that has an idle session (ties: its oldest one).
  const ClientTally* victim = nullptr;
  for (const auto& [name, t] : tally) {
    if (t.oldest_idle == nullptr) continue;
    if (victim == nullptr || t.sessions > victim->sessions ||
        (t.sessions == victim->sessions && t.oldest_idle->last_active < victim->oldest_idle->last_active))
      victim = &t;
  }
  if (victim == nullptr) return {Admission::Verdict::server_at_limit, std::nullopt};
  out.evict = std::string(victim->oldest_idle->session_id);
  return out;
}

}  // namespace kaos::mcp::detail
