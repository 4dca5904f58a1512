#include "servers/agent/toolset.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kaos::agent {

std::string_view ToolEntry::kind_name() const {
  return toolset->kind_name();
}

const ToolEntry* ToolCatalog::find(std::string_view name) const {
  for (const auto& t : entries)
    if (t.name == name) return &t;
  return nullptr;
}

json::value arguments_value(const std::string& text) {
  if (auto v = parse_json(text); v) return std::move(*v);
  return json::value(text);
}

ToolCallRecord tool_call_record(const std::string& tool, const std::string& arguments) {
  protocol::kaos::ToolCallContent content{tool, arguments_value(arguments)};
  return {"tool_call", tool, make_event(MemoryEventType::tool_call, protocol::kaos::to_json(content))};
}

MemoryEvent tool_result_event(const std::string& tool, const std::string& text) {
  protocol::kaos::ToolResultContent content{tool, json::value(text)};
  return make_event(MemoryEventType::tool_result, protocol::kaos::to_json(content));
}

ToolCallRecord Toolset::describe_call(const ToolEntry& tool, const std::string& arguments) const {
  return tool_call_record(tool.name, arguments);
}

MemoryEvent Toolset::describe_result(const ToolEntry& tool, const std::string& text) const {
  return tool_result_event(tool.name, text);
}

CombinedToolset::CombinedToolset(std::vector<std::unique_ptr<Toolset>> members, AgentMetrics& metrics)
    : members_(std::move(members)), metrics_(metrics) {}

CombinedToolset::~CombinedToolset() = default;

namespace {

/// Builds a snapshot from the members' lists (null: none available now), applying the clash rule.
std::shared_ptr<const ToolCatalog> build_catalog(const std::vector<ToolList>& lists) {
  auto catalog = std::make_shared<ToolCatalog>();
  auto& out = catalog->entries;
  for (const auto& list : lists) {
    if (!list) continue;
    for (const auto& e : *list) {
      if (catalog->find(e.name)) {
        spdlog::warn("tool '{}' of {} '{}' is skipped: an earlier server has a tool of that name", e.name,
                     e.toolset->source_noun(), e.server);
        continue;
      }
      out.push_back(e);
    }
  }
  catalog->definitions = ToolDefinitions(CombinedToolset::openai_tools(out));
  return catalog;
}

}  // namespace

net::Task<std::shared_ptr<const ToolCatalog>> CombinedToolset::list() {
  std::vector<ToolList> lists;
  lists.reserve(members_.size());
  for (auto& m : members_) lists.push_back(co_await m->list_tools());
  // No suspension from here on: concurrent runs see a consistent snapshot and its key.
  if (catalog_ && lists == catalog_lists_) co_return catalog_;
  catalog_ = build_catalog(lists);
  catalog_lists_ = std::move(lists);
  co_return catalog_;
}

json::array CombinedToolset::openai_tools(const std::vector<ToolEntry>& tools) {
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

net::Task<ToolOutcome> CombinedToolset::call(const ToolEntry& tool, const std::string& arguments,
                                             const RunContext& ctx) {
  auto parsed = parse_json(arguments.empty() ? std::string_view("{}") : std::string_view(arguments));
  if (!parsed || !parsed->is_object()) {
    metrics_.tool_calls.with({tool.name, "error"}).inc();
    co_return ToolOutcome{fmt::format("Invalid arguments for tool '{}': expected a JSON object, got: {}", tool.name,
                                      arguments.substr(0, 200)),
                          true};
  }
  co_return co_await tool.toolset->call_tool(tool, std::move(parsed->get_object()), ctx);
}

}  // namespace kaos::agent
