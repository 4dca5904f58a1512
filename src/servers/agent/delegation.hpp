#pragma once
// Delegation to peer agents (KAOS-REFERENCE §2.6 RemoteAgent): card discovery, A2A
// SendMessage with the recent context, fallback to the peer's /v1/chat/completions, a deadline,
// and a depth limit carried in a header so two agents delegating to each other cannot loop.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/client.hpp"
#include "servers/agent/config.hpp"

namespace kaos::agent {

/// Carries how many delegations deep a request is (0 or absent for a user's request).
inline constexpr std::string_view kDelegationDepthHeader = "X-KAOS-Delegation-Depth";

class Delegator {
 public:
  Delegator(net::HttpClient& http, const AgentConfig& config);
  ~Delegator();

  const std::vector<PeerRef>& peers() const { return config_.peers; }
  /// "Delegate a task to the <card name> agent: <card description>", or the fallback
  /// "Delegate a task to the <peer> agent." when the card cannot be read (quickly) yet.
  net::Task<std::string> describe(std::size_t peer);
  /// Sends `task` (with `context`: [{role, content}] of recent turns) to the peer and returns
  /// its reply text. Errors name the peer ("Agent <n>: ...").
  net::Task<Result<std::string>> delegate(std::size_t peer, std::string task, json::array context, net::Headers headers,
                                          int depth);

 private:
  struct PeerState;
  net::HttpClient& http_;
  const AgentConfig& config_;
  std::vector<PeerState> state_;
};

}  // namespace kaos::agent
