#pragma once
// The agent's toolbox: one McpToolset per MCP server (MCP_SERVERS) and one DelegationToolset
// per peer agent (`delegate_to_<peer>`), combined in that order. Lists are fetched per run so a
// server that starts after the agent is picked up; an unreachable server is skipped (and
// retried after a short pause) instead of failing the run.
//
// One toolset per MCP server rather than one for all: each server has its own client, its own
// availability pause and its own cached list, which change independently — so a server's
// snapshot is rebuilt only when that server's list changed, and the rule across servers (the
// first tool of a name wins) is the combined toolset's, the same rule for every kind of tool.
#include <chrono>
#include <memory>
#include <string>

#include "clients/mcp/client.hpp"
#include "core/json.hpp"
#include "net/client.hpp"
#include "servers/agent/config.hpp"
#include "servers/agent/delegation.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/toolset.hpp"

namespace kaos::agent {

/// The tools of one MCP server. Its snapshot follows the client's cached tools/list (the same
/// shared list → the same snapshot, no copy).
class McpToolset final : public Toolset {
 public:
  McpToolset(net::Executor executor, const McpServerRef& server, const AgentConfig& config, AgentMetrics& metrics);

  std::string_view kind_name() const override { return "mcp"; }
  std::string_view source_noun() const override { return "MCP server"; }
  net::Task<ToolList> list_tools() override;
  net::Task<ToolOutcome> call_tool(const ToolEntry& tool, json::object arguments, const RunContext& ctx) override;

 private:
  using Clock = std::chrono::steady_clock;
  McpServerRef server_;
  const AgentConfig& config_;
  AgentMetrics& metrics_;
  clients::mcp::McpClient client_;
  Clock::time_point unavailable_until_{};
  std::shared_ptr<const json::array> listed_;  ///< the client's list `tools_` was built from
  ToolList tools_;
};

/// The agent's CombinedToolset: MCP servers in MCP_SERVERS order, then peers in PEER_AGENTS order.
std::unique_ptr<CombinedToolset> make_toolbox(net::Executor executor, const AgentConfig& config, net::HttpClient& http,
                                              AgentMetrics& metrics);

/// The text of a tools/call result: its text blocks joined by newlines, else the structured
/// content as JSON, else a JSON rendering of the other blocks.
std::string tool_result_text(const json::object& result);

}  // namespace kaos::agent
