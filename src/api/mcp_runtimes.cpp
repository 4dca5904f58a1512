#include "api/mcp_runtimes.hpp"

#include "api/diagnostics.hpp"
#include "api/schema_validation.hpp"
#include "core/yaml.hpp"

namespace kaos::api {

const McpRuntime* McpRuntimeRegistry::find(std::string_view name) const {
  auto it = runtimes.find(std::string(name));
  return it == runtimes.end() ? nullptr : &it->second;
}

McpRuntimeRegistry builtin_mcp_runtimes(const McpRuntimeImages& images) {
  McpRuntimeRegistry r;
  r.runtimes["python-string"] = {"python-string",
                                 "python",
                                 images.python_string,
                                 "Execute Python code strings as MCP tools",
                                 {},
                                 {},
                                 "MCP_TOOLS_STRING",
                                 "http",
                                 {}};
  r.runtimes["kubernetes"] = {
      "kubernetes", "go", images.kubernetes, "Kubernetes API operations", {}, {"--port", "8000"}, "", "http", {}};
  r.runtimes["slack"] = {
      "slack", "nodejs", images.slack, "Slack messaging integration",       {"--transport", "http", "--port", "8000"},
      {},      "",       "http",       {"SLACK_BOT_TOKEN", "SLACK_TEAM_ID"}};
  r.runtimes["stdio"] = {"stdio",
                         "stdio",
                         "",
                         "any stdio MCP server, bridged to Streamable HTTP by `kaos mcp --runtime stdio`; the command "
                         "comes from spec.container.command/args",
                         {},
                         {},
                         "",
                         "stdio",
                         {}};
  return r;
}

namespace {

const Schema& registry_schema() {
  static const Schema schema = [] {
    Schema strings = array_schema(string_schema(""), "");
    Schema entry = object_schema("", {{"type", string_schema("")},
                                      {"image", string_schema("")},
                                      {"description", string_schema("")},
                                      {"command", strings},
                                      {"args", strings},
                                      {"paramsEnvVar", string_schema("")},
                                      {"transport", string_schema("")},
                                      {"requiredEnv", strings}});
    Schema runtimes = object_schema("", {});
    runtimes.additional_properties = std::make_shared<const Schema>(std::move(entry));
    return object_schema("", {{"runtimes", std::move(runtimes)}});
  }();
  return schema;
}

std::string join_errors(const Diagnostics& d) {
  std::string out;
  for (const auto& item : d.items()) {
    if (item.severity != Severity::Error) continue;
    if (!out.empty()) out += "; ";
    out += item.to_string();
  }
  return out;
}

}  // namespace

Result<McpRuntimeRegistry> parse_mcp_runtimes(std::string_view runtimes_yaml) {
  auto parsed = parse_yaml(runtimes_yaml);
  if (!parsed) return Error::invalid("runtimes.yaml: " + parsed.error().message);
  McpRuntimeRegistry r;
  if (parsed->is_null()) return r;
  // `name:` with nothing under it is an entry with every field empty (as Go's yaml reads it).
  if (parsed->is_object()) {
    if (auto it = parsed->get_object().find("runtimes"); it != parsed->get_object().end() && it->value().is_object()) {
      for (auto& kv : it->value().get_object()) {
        if (kv.value().is_null()) kv.value() = json::object{};
      }
    }
  }
  Diagnostics d;
  apply_defaults(*parsed, registry_schema());
  validate_against_schema(*parsed, registry_schema(), "", d);
  if (d.has_errors()) return Error::invalid("runtimes.yaml: " + join_errors(d));
  if (const auto* runtimes = find_field(parsed->get_object(), "runtimes")) {
    for (const auto& kv : runtimes->get_object()) {
      McpRuntime rt = read_struct<McpRuntime>(kv.value());
      rt.name = std::string(kv.key());
      r.runtimes[rt.name] = std::move(rt);
    }
  }
  return r;
}

Result<McpRuntimeRegistry> parse_mcp_runtimes_configmap(const json::value& configmap) {
  const json::object* data = configmap.is_object() ? object_at(configmap.get_object(), "data") : nullptr;
  const auto* text = data ? find_field(*data, "runtimes.yaml") : nullptr;
  if (!text || !text->is_string()) return Error::invalid("ConfigMap has no data[\"runtimes.yaml\"] string");
  return parse_mcp_runtimes(text->get_string());
}

McpRuntimeRegistry merge_mcp_runtimes(McpRuntimeRegistry base, const McpRuntimeRegistry& overrides) {
  for (const auto& [name, rt] : overrides.runtimes) base.runtimes[name] = rt;
  return base;
}

json::value to_json(const McpRuntimeRegistry& registry) {
  json::object runtimes;
  for (const auto& [name, rt] : registry.runtimes) runtimes[name] = write_value(rt);
  return json::object{{"runtimes", std::move(runtimes)}};
}

}  // namespace kaos::api
