#pragma once
// The tools the model sees: every tool of every MCP server (MCP_SERVERS), plus one
// `delegate_to_<peer>` per peer agent. Lists are fetched per run so a server that starts after
// the agent is picked up; an unreachable server is skipped (and retried after a short pause)
// instead of failing the run.
//
// The catalogue is an immutable snapshot shared by the runs that use it: the MCP clients hand
// out their cached tool lists without copying them, and the snapshot (entries plus the OpenAI
// `tools` array serialized once) is rebuilt only when one of those lists, a peer's description
// or a server's availability changed. A run costs no copy of the tool definitions.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "clients/mcp/client.hpp"
#include "core/json.hpp"
#include "servers/agent/config.hpp"
#include "servers/agent/delegation.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/model.hpp"

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

/// The catalogue at one moment (MCP tools first, in server order, then delegation tools) and
/// the tool definitions a model call sends for it. Never modified once built.
struct ToolCatalog {
  std::vector<ToolEntry> entries;
  ToolDefinitions definitions;
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

  /// The current catalogue: the same snapshot as last time unless something changed.
  net::Task<std::shared_ptr<const ToolCatalog>> list();
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
  // The last snapshot and what it was built from (per server its client's shared list, null
  // when the server was skipped; per peer its description).
  std::shared_ptr<const ToolCatalog> catalog_;
  std::vector<std::shared_ptr<const json::array>> catalog_lists_;
  std::vector<std::string> catalog_descriptions_;
};

/// The text of a tools/call result: its text blocks joined by newlines, else the structured
/// content as JSON, else a JSON rendering of the other blocks.
std::string tool_result_text(const json::object& result);

}  // namespace kaos::agent
