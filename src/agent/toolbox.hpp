#pragma once
// The tools the model sees: every tool of every MCP server (MCP_SERVERS), plus one
// `delegate_to_<peer>` per peer agent. Lists are fetched per run so a server that starts after
// the agent is picked up; an unreachable server is skipped (and retried after a short pause)
// instead of failing the run.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent/config.hpp"
#include "agent/delegation.hpp"
#include "agent/metrics.hpp"
#include "clients/mcp/client.hpp"
#include "core/json.hpp"

namespace kaos::agent {

enum class ToolKind { mcp, delegation };

struct ToolEntry {
  std::string name;  ///< as the model sees it
  std::string description;
  json::object parameters;  ///< JSON schema of the arguments
  ToolKind kind = ToolKind::mcp;
  std::size_t owner = 0;  ///< index of the MCP server or the peer
  std::string server;     ///< MCP server name or peer name
};

/// What a tool call gives back to the model. Failures are text too (the model may recover).
struct ToolOutcome {
  std::string text;
  bool error = false;
};

/// Per-call context: propagated headers (traceparent, Authorization, delegation depth) and the
/// run's recent conversation (forwarded on delegation as KAOS does).
struct ToolCallContext {
  net::Headers headers;
  json::array recent_context;
  int delegation_depth = 0;
};

class ToolBox {
 public:
  ToolBox(net::Executor executor, const AgentConfig& config, net::HttpClient& http, AgentMetrics& metrics);
  ~ToolBox();

  /// The current catalogue (MCP tools first, in server order, then delegation tools).
  net::Task<std::vector<ToolEntry>> list();
  /// OpenAI `tools` array for the catalogue.
  static json::array openai_tools(const std::vector<ToolEntry>& tools);
  /// Runs one call. `arguments` is the model's JSON text; invalid JSON or a non-object is
  /// answered to the model without calling anything.
  net::Task<ToolOutcome> call(const ToolEntry& tool, const std::string& arguments, const ToolCallContext& ctx);

  Delegator& delegator() { return delegator_; }

 private:
  struct Server;
  const AgentConfig& config_;
  AgentMetrics& metrics_;
  std::vector<std::unique_ptr<Server>> servers_;
  Delegator delegator_;
};

/// The text of a tools/call result: its text blocks joined by newlines, else the structured
/// content as JSON, else a JSON rendering of the other blocks.
std::string tool_result_text(const json::object& result);

}  // namespace kaos::agent
