#pragma once
// GET /tools of an agent (KAOS-REFERENCE §2.2): the tools its model sees, with their JSON
// parameter schemas. Served by `kaos agent`, read by `kaos tools` and the dashboard.
//
//   {"agent":"asst","tools":[{"name":"add","description":"Add two integers.",
//     "parameters":{"type":"object",...},"kind":"mcp","source":"calculator"}]}
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::protocol::kaos {

using ::kaos::to_json;  // the overloads below must not hide the serializing one

inline constexpr std::string_view kToolsPath = "/tools";

/// One tool as the model sees it.
struct ToolInfo {
  std::string name;
  std::string description;
  json::object parameters;  ///< JSON schema of the arguments
  std::string kind;         ///< the toolset it belongs to: "mcp", "delegation" (more may come)
  std::string source;       ///< what provides it: the MCP server's or the peer agent's name
};

/// 200 answer of GET /tools, tools in the order the model sees them.
struct ToolsBody {
  std::string agent;  ///< AGENT_NAME
  std::vector<ToolInfo> tools;
};

/// {"agent","tools":[{"name","description","parameters","kind","source"}]}.
json::object to_json(const ToolInfo& t);
json::object to_json(const ToolsBody& b);
/// Strict: agent a string, tools an array whose entries have a string name and description
/// and an object parameters. kind and source are ours, not KAOS's: absent, they read as "".
/// The error names the field ("tools[1].parameters: expected an object, got string").
Result<ToolsBody> parse_tools_body(const json::value& v);

}  // namespace kaos::protocol::kaos
