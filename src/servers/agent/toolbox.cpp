#include "servers/agent/toolbox.hpp"

#include <fmt/format.h>

#include "core/log.hpp"

namespace kaos::agent {

namespace {
using Clock = std::chrono::steady_clock;
// A server that did not answer tools/list is skipped for this long, so a down server costs
// one short wait per pause instead of one per request.
constexpr auto kUnavailablePause = std::chrono::seconds(2);
constexpr auto kListTimeout = std::chrono::milliseconds(1500);

json::object delegation_schema() {
  json::object task;
  task["type"] = "string";
  task["description"] = "The task for the agent, with everything it needs to know";
  json::object props;
  props["task"] = std::move(task);
  json::object schema;
  schema["type"] = "object";
  schema["properties"] = std::move(props);
  json::array required;
  required.push_back("task");
  schema["required"] = std::move(required);
  return schema;
}
}  // namespace

struct ToolBox::Server {
  McpServerRef ref;
  clients::mcp::McpClient client;
  Clock::time_point unavailable_until{};
  std::vector<ToolEntry> last;  // the last list that succeeded (used while the server is paused)

  Server(net::Executor ex, const McpServerRef& r, clients::mcp::McpClientOptions o)
      : ref(r), client(std::move(ex), std::move(o)) {}
};

ToolBox::ToolBox(net::Executor executor, const AgentConfig& config, net::HttpClient& http, AgentMetrics& metrics)
    : config_(config), metrics_(metrics), delegator_(http, config) {
  for (const auto& ref : config.mcp_servers) {
    clients::mcp::McpClientOptions o;
    o.url = ref.url;
    o.request_timeout = config.tool_timeout;
    o.connect_timeout = kListTimeout;
    o.client_name = "kaos-agent-" + config.name;
    servers_.push_back(std::make_unique<Server>(executor, ref, std::move(o)));
  }
}

ToolBox::~ToolBox() = default;

namespace {

/// Builds a snapshot from the servers' lists (null: skipped) and the peers' descriptions.
std::shared_ptr<const ToolCatalog> build_catalog(const std::vector<std::shared_ptr<const json::array>>& lists,
                                                 const std::vector<McpServerRef>& servers,
                                                 const std::vector<std::string>& descriptions,
                                                 const std::vector<PeerRef>& peers) {
  auto catalog = std::make_shared<ToolCatalog>();
  auto& out = catalog->entries;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    if (!lists[i]) continue;
    for (const auto& t : *lists[i]) {
      const auto* o = t.if_object();
      if (!o) continue;
      auto name = string_field(*o, "name");
      if (!name) continue;
      ToolEntry e;
      e.name = std::string(*name);
      e.description = std::string(string_field(*o, "description").value_or(""));
      if (const auto* schema = find_field(*o, "inputSchema"); schema && schema->is_object())
        e.parameters = schema->get_object();
      else
        e.parameters["type"] = "object";
      e.kind = ToolKind::mcp;
      e.owner = i;
      e.server = servers[i].name;
      bool clash = false;
      for (const auto& existing : out) clash = clash || existing.name == e.name;
      if (clash) {
        spdlog::warn("tool '{}' of MCP server '{}' is skipped: an earlier server has a tool of that name", e.name,
                     servers[i].name);
        continue;
      }
      out.push_back(std::move(e));
    }
  }
  for (std::size_t p = 0; p < peers.size(); ++p) {
    ToolEntry e;
    e.name = "delegate_to_" + peers[p].name;
    e.description = descriptions[p];
    e.parameters = delegation_schema();
    e.kind = ToolKind::delegation;
    e.owner = p;
    e.server = peers[p].name;
    out.push_back(std::move(e));
  }
  catalog->definitions = ToolDefinitions(ToolBox::openai_tools(out));
  return catalog;
}

}  // namespace

net::Task<std::shared_ptr<const ToolCatalog>> ToolBox::list() {
  std::vector<std::shared_ptr<const json::array>> lists(servers_.size());
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    auto& s = *servers_[i];
    if (Clock::now() < s.unavailable_until) continue;
    auto tools = co_await s.client.list_tools_shared(kListTimeout);
    if (!tools) {
      spdlog::warn("MCP server '{}' ({}) unavailable, its tools are skipped for now: {}", s.ref.name, s.ref.url,
                   tools.error().message);
      s.unavailable_until = Clock::now() + kUnavailablePause;
      continue;
    }
    lists[i] = std::move(*tools);
  }
  std::vector<std::string> descriptions;
  descriptions.reserve(delegator_.peers().size());
  for (std::size_t p = 0; p < delegator_.peers().size(); ++p) {
    auto description = co_await delegator_.describe(p);
    descriptions.push_back(std::move(description));
  }
  // No suspension from here on: concurrent runs see a consistent snapshot and its key.
  if (catalog_ && lists == catalog_lists_ && descriptions == catalog_descriptions_) co_return catalog_;
  catalog_ = build_catalog(lists, config_.mcp_servers, descriptions, delegator_.peers());
  catalog_lists_ = std::move(lists);
  catalog_descriptions_ = std::move(descriptions);
  co_return catalog_;
}

json::array ToolBox::openai_tools(const std::vector<ToolEntry>& tools) {
  json::array out;
  out.reserve(tools.size());
  for (const auto& t : tools) {
    json::object fn;
    fn["name"] = t.name;
    fn["description"] = t.description;
    fn["parameters"] = t.parameters;
    json::object tool;
    tool["type"] = "function";
    tool["function"] = std::move(fn);
    out.push_back(std::move(tool));
  }
  return out;
}

std::string tool_result_text(const json::object& result) {
  std::string text;
  json::array other;
  if (const auto* content = find_field(result, "content"); content && content->is_array()) {
    for (const auto& block : content->get_array()) {
      const auto* b = block.if_object();
      if (!b) continue;
      if (string_field(*b, "type").value_or("") == "text") {
        if (!text.empty()) text += '\n';
        text += std::string(string_field(*b, "text").value_or(""));
      } else {
        other.push_back(block);
      }
    }
  }
  if (!text.empty()) return text;
  if (const auto* sc = find_field(result, "structuredContent")) return to_json(*sc);
  if (!other.empty()) return to_json(other);
  return "";
}

net::Task<ToolOutcome> ToolBox::call(const ToolEntry& tool, const std::string& arguments, const ToolCallContext& ctx) {
  auto parsed = parse_json(arguments.empty() ? std::string_view("{}") : std::string_view(arguments));
  if (!parsed || !parsed->is_object()) {
    metrics_.tool_calls.with({tool.name, "error"}).inc();
    co_return ToolOutcome{fmt::format("Invalid arguments for tool '{}': expected a JSON object, got: {}", tool.name,
                                      arguments.substr(0, 200)),
                          true};
  }
  auto started = Clock::now();
  ToolOutcome outcome;
  if (tool.kind == ToolKind::mcp) {
    auto& server = *servers_[tool.owner];
    clients::mcp::CallOptions options;
    options.timeout = config_.tool_timeout;
    // The run's outbound headers (traceparent, the caller's Authorization) go on tool calls
    // too, as on model and peer calls: without them the trace broke at every MCP hop.
    options.headers = ctx.headers;
    options.headers.erase(kDelegationDepthHeader);
    auto r = co_await server.client.call_tool(tool.name, std::move(parsed->get_object()), std::move(options));
    if (!r) {
      outcome = {fmt::format("Tool '{}' failed: {}", tool.name, r.error().message), true};
    } else {
      bool is_error = bool_field(*r, "isError").value_or(false);
      auto text = tool_result_text(*r);
      outcome = {is_error ? "Tool error: " + text : text, is_error};
    }
    metrics_.tool_calls.with({tool.name, outcome.error ? "error" : "ok"}).inc();
    metrics_.tool_seconds.with({tool.name}).observe(std::chrono::duration<double>(Clock::now() - started).count());
    co_return outcome;
  }
  // Delegation: {"task": "..."}.
  auto task = string_field(parsed->get_object(), "task");
  const auto& peer = delegator_.peers()[tool.owner].name;
  if (!task || task->empty()) {
    co_return ToolOutcome{"[Delegation failed: the 'task' argument (a non-empty string) is required]", true};
  }
  auto r = co_await delegator_.delegate(tool.owner, std::string(*task), ctx.recent_context, ctx.headers,
                                        ctx.delegation_depth);
  bool ok = r.has_value();
  metrics_.delegations.with({peer, ok ? "true" : "false"}).inc();
  metrics_.delegation_seconds.with({peer}).observe(std::chrono::duration<double>(Clock::now() - started).count());
  if (ok) co_return ToolOutcome{std::move(*r), false};
  co_return ToolOutcome{"[Delegation failed: " + r.error().message + "]", true};
}

}  // namespace kaos::agent
