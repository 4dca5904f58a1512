#pragma once
// The KAOS MCP runtime registry: ConfigMap `kaos-mcp-runtimes`, key `runtimes.yaml`,
//   runtimes: {<name>: {type, image, description, command[], args[], paramsEnvVar, transport, requiredEnv[]}}
// An MCPServer's spec.runtime is a key of this registry (or "custom").
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_io.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace kaos::api {

struct McpRuntime {
  std::string name;  ///< the registry key (not a field of the entry)
  std::string type;  ///< python, go, nodejs, ... (informational)
  std::string image;
  std::string description;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::string params_env_var;  ///< env var receiving MCPServer spec.params (e.g. MCP_TOOLS_STRING)
  /// "http": the image serves Streamable HTTP itself. "stdio": a stdio MCP server, served over
  /// Streamable HTTP by `kaos mcp --runtime stdio -- COMMAND ARGS...` (docs/mcp-stdio.md).
  std::string transport;
  std::vector<std::string> required_env;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("type", s.type);
    v("image", s.image);
    v("description", s.description);
    v("command", s.command);
    v("args", s.args);
    v("paramsEnvVar", s.params_env_var);
    v("transport", s.transport);
    v("requiredEnv", s.required_env);
  }
};

struct McpRuntimeRegistry {
  std::map<std::string, McpRuntime> runtimes;
  /// nullptr when `name` is not registered.
  const McpRuntime* find(std::string_view name) const;
};

/// Images of the built-in runtimes (Helm `defaultImages` in KAOS).
struct McpRuntimeImages {
  std::string python_string = "axsauze/kaos-mcp-python-string:latest";
  std::string kubernetes = "quay.io/containers/kubernetes_mcp_server:v0.0.67";
  std::string slack = "zencoderai/slack-mcp:latest";
};

/// python-string (MCP_TOOLS_STRING, http), kubernetes (go, --port 8000), slack (nodejs,
/// SLACK_BOT_TOKEN/SLACK_TEAM_ID) — the entries KAOS's Helm chart ships — and stdio (any stdio
/// MCP server bridged by `kaos mcp --runtime stdio`; no image of its own: the command comes
/// from the MCPServer's spec.container.command/args). "custom" is not an entry: it keeps
/// meaning an image that serves HTTP itself.
McpRuntimeRegistry builtin_mcp_runtimes(const McpRuntimeImages& images = {});

/// Parses the `runtimes.yaml` text strictly: unknown fields and wrong types are errors naming
/// the path (e.g. "runtimes.slack.requiredEnv: expected array, got string"); all are reported.
Result<McpRuntimeRegistry> parse_mcp_runtimes(std::string_view runtimes_yaml);

/// Same, from a ConfigMap object (its data["runtimes.yaml"]).
Result<McpRuntimeRegistry> parse_mcp_runtimes_configmap(const json::value& configmap);

/// `base` with every entry of `overrides` added or replacing the entry of the same name.
McpRuntimeRegistry merge_mcp_runtimes(McpRuntimeRegistry base, const McpRuntimeRegistry& overrides);

json::value to_json(const McpRuntimeRegistry& registry);

}  // namespace kaos::api
