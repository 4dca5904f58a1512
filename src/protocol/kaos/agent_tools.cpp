#include "protocol/kaos/agent_tools.hpp"

#include "protocol/kaos/field_reader.hpp"

namespace kaos::protocol::kaos {

json::object to_json(const ToolInfo& t) {
  json::object o;
  o["name"] = t.name;
  o["description"] = t.description;
  o["parameters"] = t.parameters;
  o["kind"] = t.kind;
  o["source"] = t.source;
  return o;
}

json::object to_json(const ToolsBody& b) {
  json::array tools;
  tools.reserve(b.tools.size());
  for (const auto& t : b.tools) tools.push_back(to_json(t));
  json::object o;
  o["agent"] = b.agent;
  o["tools"] = std::move(tools);
  return o;
}

namespace {

Result<ToolInfo> parse_tool_info(const json::value& v, std::string path) {
  detail::FieldReader r(v, std::move(path));
  ToolInfo t;
  t.name = r.string("name");
  t.description = r.string("description");
  t.parameters = r.object("parameters");
  t.kind = r.optional_string("kind").value_or("");
  t.source = r.optional_string("source").value_or("");
  if (!r.ok()) return r.error();
  return t;
}

}  // namespace

Result<ToolsBody> parse_tools_body(const json::value& v) {
  detail::FieldReader r(v, "");
  ToolsBody b;
  b.agent = r.string("agent");
  b.tools = r.list<ToolInfo>("tools", parse_tool_info);
  return r.finish(std::move(b));
}

}  // namespace kaos::protocol::kaos
