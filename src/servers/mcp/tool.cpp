#include "servers/mcp/tool.hpp"

#include "protocol/mcp/mcp.hpp"

namespace kaos::mcp {

namespace pmcp = protocol::mcp;

ToolResult ToolResult::text(std::string_view text) {
  ToolResult r;
  r.content.push_back(pmcp::text_content(text));
  return r;
}

ToolResult ToolResult::error(std::string_view message) {
  ToolResult r = text(message);
  r.is_error = true;
  return r;
}

json::object ToolResult::to_json() const {
  return pmcp::tool_result(content, structured ? &*structured : nullptr, is_error);
}

json::object Tool::describe() const {
  json::object o{{"name", name}};
  if (!title.empty()) o["title"] = title;
  o["description"] = description;
  o["inputSchema"] = input_schema;
  if (output_schema) o["outputSchema"] = *output_schema;
  if (annotations) o["annotations"] = *annotations;
  return o;
}

json::object ResourceContents::to_json() const {
  json::object o{{"uri", uri}};
  if (!mime_type.empty()) o["mimeType"] = mime_type;
  if (text) o["text"] = *text;
  if (blob_base64) o["blob"] = *blob_base64;
  return o;
}

json::object Resource::describe() const {
  json::object o{{"uri", uri}, {"name", name}};
  if (!title.empty()) o["title"] = title;
  o["description"] = description;
  if (!mime_type.empty()) o["mimeType"] = mime_type;
  return o;
}

json::object ResourceTemplate::describe() const {
  json::object o{{"uriTemplate", uri_template}, {"name", name}};
  if (!title.empty()) o["title"] = title;
  o["description"] = description;
  if (!mime_type.empty()) o["mimeType"] = mime_type;
  return o;
}

std::optional<std::map<std::string, std::string>> ResourceTemplate::match(std::string_view uri) const {
  // Level-1 templates: literal text and {name} placeholders; a placeholder matches one or more
  // characters up to the next literal character (never across '/').
  std::map<std::string, std::string> vars;
  std::string_view t = uri_template;
  std::size_t ti = 0;
  std::size_t ui = 0;
  while (ti < t.size()) {
    if (t[ti] == '{') {
      auto close = t.find('}', ti);
      if (close == std::string_view::npos) return std::nullopt;
      std::string name(t.substr(ti + 1, close - ti - 1));
      ti = close + 1;
      char stop = ti < t.size() ? t[ti] : '\0';
      std::size_t end = ui;
      while (end < uri.size() && uri[end] != '/' && (stop == '\0' || uri[end] != stop)) ++end;
      if (end == ui) return std::nullopt;
      vars[name] = std::string(uri.substr(ui, end - ui));
      ui = end;
    } else {
      if (ui >= uri.size() || uri[ui] != t[ti]) return std::nullopt;
      ++ti;
      ++ui;
    }
  }
  if (ui != uri.size()) return std::nullopt;
  return vars;
}

json::object Prompt::describe() const {
  json::object o{{"name", name}};
  if (!title.empty()) o["title"] = title;
  o["description"] = description;
  json::array args;
  for (const auto& a : arguments) {
    json::object ao{{"name", a.name}, {"required", a.required}};
    if (!a.description.empty()) ao["description"] = a.description;
    args.push_back(std::move(ao));
  }
  o["arguments"] = std::move(args);
  return o;
}

}  // namespace kaos::mcp
