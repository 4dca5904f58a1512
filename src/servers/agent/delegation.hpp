#pragma once
// Delegation to peer agents (KAOS-REFERENCE §2.6 RemoteAgent): card discovery, A2A
// SendMessage with the recent context, fallback to the peer's /v1/chat/completions, a deadline,
// and a depth limit carried in a header so two agents delegating to each other cannot loop.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/client.hpp"
#include "servers/agent/config.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/toolset.hpp"

namespace kaos::agent {

/// Carries how many delegations deep a request is (0 or absent for a user's request).
inline constexpr std::string_view kDelegationDepthHeader = "X-KAOS-Delegation-Depth";

/// The tool that delegates to `peer`: `delegate_to_<peer>`, taking {"task": string}.
inline std::string delegation_tool_name(std::string_view peer) {
  return "delegate_to_" + std::string(peer);
}

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

/// `delegate_to_<peer>` for one peer: its description follows the peer's card, a call sends
/// {"task"} with the run's recent turns, and calls show as delegations (progress "delegate",
/// memory delegation_request / delegation_response naming the agent).
class DelegationToolset final : public Toolset {
 public:
  DelegationToolset(std::shared_ptr<Delegator> delegator, std::size_t peer, AgentMetrics& metrics);

  std::string_view kind_name() const override { return "delegation"; }
  std::string_view source_noun() const override { return "peer agent"; }
  net::Task<ToolList> list_tools() override;
  net::Task<ToolOutcome> call_tool(const ToolEntry& tool, json::object arguments, const RunContext& ctx) override;
  ToolCallRecord describe_call(const ToolEntry& tool, const std::string& arguments) const override;
  MemoryEvent describe_result(const ToolEntry& tool, const std::string& text) const override;

 private:
  std::shared_ptr<Delegator> delegator_;  ///< shared by the toolsets of all peers
  std::size_t peer_;
  AgentMetrics& metrics_;
  std::string description_;  ///< what `tools_` was built with
  ToolList tools_;
};

}  // namespace kaos::agent
