#pragma once
// Tools as the loop sees them (pydantic-ai's Toolset): a `Toolset` lists its tools and calls
// them; `CombinedToolset` puts the toolsets of an agent together into one catalogue. Whatever
// differs between kinds of tools (MCP servers, peer agents, later memory tools) lives in its
// Toolset class — how it lists, calls, and how a call shows in progress and memory — so a new
// kind is one new class and neither the loop nor the routes change.
//
// The catalogue is an immutable snapshot shared by the runs that use it: each toolset hands
// out the same snapshot of its tools while they are unchanged, and the combined catalogue
// (entries plus the OpenAI `tools` array serialized once) is rebuilt only when one of those
// snapshots changed. A run costs no copy of the tool definitions.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "servers/agent/metrics.hpp"
#include "servers/agent/model.hpp"
#include "servers/agent/run_context.hpp"

namespace kaos::agent {

class Toolset;

struct ToolEntry {
  std::string name;  ///< as the model sees it
  std::string description;
  json::object parameters;     ///< JSON schema of the arguments
  std::string server;          ///< MCP server name or peer name: the tool's source
  Toolset* toolset = nullptr;  ///< the toolset that lists and calls it (outlives every catalogue)

  /// "mcp" or "delegation" (GET /tools's "kind"): the kind of its toolset.
  std::string_view kind_name() const;
};

using ToolList = std::shared_ptr<const std::vector<ToolEntry>>;

/// The catalogue at one moment (the toolsets' tools in toolset order, names unique) and the
/// tool definitions a model call sends for it. Never modified once built.
struct ToolCatalog {
  std::vector<ToolEntry> entries;
  ToolDefinitions definitions;

  /// The entry of that name; null when the catalogue has none.
  const ToolEntry* find(std::string_view name) const;
};

/// What a tool call gives back to the model. Failures are text too (the model may recover).
struct ToolOutcome {
  std::string text;
  bool error = false;
};

/// How a call shows before it runs: the progress notice's action and target, and the memory event.
struct ToolCallRecord {
  std::string action;  ///< "tool_call", "delegate"
  std::string target;
  MemoryEvent event;
};

class Toolset {
 public:
  virtual ~Toolset() = default;

  /// GET /tools's "kind" of every tool of this toolset: "mcp", "delegation".
  virtual std::string_view kind_name() const = 0;
  /// What a tool's `server` names, for log lines: "MCP server", "peer agent".
  virtual std::string_view source_noun() const = 0;
  /// The tools now: the same snapshot as last time unless they changed (the combined catalogue
  /// is rebuilt when the pointer differs); null when none is available now. Never fails: an
  /// unreachable source is logged and skipped.
  virtual net::Task<ToolList> list_tools() = 0;
  /// Runs one call of one of its own tools with arguments already parsed to an object.
  virtual net::Task<ToolOutcome> call_tool(const ToolEntry& tool, json::object arguments, const RunContext& ctx) = 0;

  /// Default: progress action "tool_call" naming the tool; memory "tool_call" {tool, arguments}.
  virtual ToolCallRecord describe_call(const ToolEntry& tool, const std::string& arguments) const;
  /// Default: memory "tool_result" {tool, result}.
  virtual MemoryEvent describe_result(const ToolEntry& tool, const std::string& text) const;
};

/// The default records, also used for a call of a tool the catalogue does not have.
ToolCallRecord tool_call_record(const std::string& tool, const std::string& arguments);
MemoryEvent tool_result_event(const std::string& tool, const std::string& text);
/// The model's arguments text as JSON when it parses, else as the string itself.
json::value arguments_value(const std::string& text);

/// An agent's toolsets as one catalogue. Owns the name-clash rule: the first tool of a name
/// wins (toolsets in order: MCP servers as MCP_SERVERS lists them, then peers); a later tool
/// of the same name is skipped with a warning.
class CombinedToolset {
 public:
  CombinedToolset(std::vector<std::unique_ptr<Toolset>> members, AgentMetrics& metrics);
  ~CombinedToolset();

  /// The current catalogue: the same snapshot as last time unless a member's tools changed.
  net::Task<std::shared_ptr<const ToolCatalog>> list();
  /// Runs one call. `arguments` is the model's JSON text; invalid JSON or a non-object is
  /// answered to the model without calling anything.
  net::Task<ToolOutcome> call(const ToolEntry& tool, const std::string& arguments, const RunContext& ctx);

  /// OpenAI `tools` array for `tools`.
  static json::array openai_tools(const std::vector<ToolEntry>& tools);

 private:
  std::vector<std::unique_ptr<Toolset>> members_;
  AgentMetrics& metrics_;
  // The last catalogue and what it was built from (per member the snapshot it listed).
  std::shared_ptr<const ToolCatalog> catalog_;
  std::vector<ToolList> catalog_lists_;
};

}  // namespace kaos::agent
