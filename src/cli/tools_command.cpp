// `kaos tools` (the tools an agent's model sees, GET /tools) and `kaos models` (the models a
// ModelAPI serves, GET /v1/models).
#include <iostream>

#include "cli/agent_client.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "control/local/control_client.hpp"
#include "protocol/kaos/agent_tools.hpp"

namespace kaos::cli {

namespace {

namespace wire = protocol::kaos;

struct ToolsFlags {
  std::string agent;
  std::string output = "table";
  EndpointFlags endpoint;
};

struct ModelsFlags {
  std::string modelapi;
  std::string output = "table";
  EndpointFlags endpoint;
};

std::string first_line(std::string_view s) {
  auto nl = s.find('\n');
  return std::string(nl == std::string_view::npos ? s : s.substr(0, nl));
}

const json::array* array_field(const json::value& v, std::string_view key) {
  const json::value* f = v.is_object() ? find_field(v.as_object(), key) : nullptr;
  return f != nullptr && f->is_array() ? &f->as_array() : nullptr;
}

net::Task<int> tools(net::HttpClient& http, const ToolsFlags& f, std::string url) {
  auto answer =
      co_await get_body(http, url + std::string(wire::kToolsPath), std::string(wire::kToolsPath),
                        wire::parse_tools_body, seconds_to_ms(f.endpoint.timeout_s), auth_headers(f.endpoint));
  if (!answer) {
    std::cerr << "kaos tools: " << describe_failure(answer.error(), "agent", f.agent, url) << "\n";
    co_return 1;
  }
  if (f.output == "json") {
    print_json(wire::to_json(*answer));
    co_return 0;
  }
  if (answer->tools.empty()) {
    std::cout << "Agent '" << f.agent << "' has no tools (it has no MCP servers, peers or memory tools).\n";
    co_return 0;
  }
  Style style(stdout);
  Table t({"NAME", "KIND", "SOURCE", "DESCRIPTION"});
  for (const auto& tool : answer->tools)
    t.add_row({style.bold(tool.name), tool.kind, tool.source, preview(first_line(tool.description), 80)});
  t.print(std::cout, style);
  co_return 0;
}

int run_tools(const ToolsFlags& f) {
  auto url = resolve_or_report("tools", "agent", f.agent, f.endpoint);
  if (!url) return 1;
  return run_client("tools", [&](net::HttpClient& http) { return tools(http, f, *url); });
}

net::Task<int> models(net::HttpClient& http, const ModelsFlags& f, std::string url, std::string name) {
  net::ClientRequest req;
  req.method = "GET";
  req.url = url + "/v1/models";
  req.headers.set("Accept", "application/json");
  if (!f.endpoint.api_key.empty()) req.headers.set("Authorization", "Bearer " + f.endpoint.api_key);
  req.timeout = seconds_to_ms(f.endpoint.timeout_s);
  auto res = co_await http.send(std::move(req));
  Result<json::value> answer = Error{ErrorKind::protocol, ""};
  if (!res) {
    answer = res.error();
  } else if (res->status < 200 || res->status >= 300) {
    auto detail = error_detail(res->body);
    answer = Error::http(res->status, "HTTP " + std::to_string(res->status) + (detail.empty() ? "" : ": " + detail));
  } else {
    auto parsed = parse_json(res->body);
    answer = parsed ? Result<json::value>(std::move(*parsed))
                    : Result<json::value>(Error{ErrorKind::protocol, "an answer that is not JSON"});
  }
  if (!answer) {
    std::cerr << "kaos models: " << describe_failure(answer.error(), "modelapi", name, url);
    if (res && res->status == 401) std::cerr << " (pass the master key with --api-key or $KAOS_API_KEY)";
    std::cerr << "\n";
    co_return 1;
  }
  if (f.output == "json") {
    print_json(*answer);
    co_return 0;
  }
  const auto* data = array_field(*answer, "data");
  if (data == nullptr) {
    std::cerr << "kaos models: " << url << "/v1/models answered without a `data` list\n";
    co_return 1;
  }
  Table t({"MODEL", "OWNED BY"});
  for (const auto& v : *data) {
    if (!v.is_object()) continue;
    t.add_row({std::string(string_field(v.as_object(), "id").value_or("")),
               std::string(string_field(v.as_object(), "owned_by").value_or(""))});
  }
  if (t.empty()) {
    std::cout << "No models.\n";
    co_return 0;
  }
  t.print(std::cout, Style(stdout));
  co_return 0;
}

// Every Ready ModelAPI of the local runtime in the namespace, one row per model.
net::Task<int> all_models(net::HttpClient& http, const ModelsFlags& f,
                          std::vector<protocol::kaos::ResourceStatus> modelapis) {
  Table t({"MODELAPI", "MODEL", "OWNED BY"});
  json::array out;
  int status = 0;
  for (const auto& m : modelapis) {
    const auto& name = m.name;
    const auto& url = m.endpoint;
    net::ClientRequest req;
    req.url = url + "/v1/models";
    if (!f.endpoint.api_key.empty()) req.headers.set("Authorization", "Bearer " + f.endpoint.api_key);
    req.timeout = seconds_to_ms(f.endpoint.timeout_s);
    auto res = co_await http.send(std::move(req));
    auto parsed = res && res->status == 200 ? parse_json(res->body) : Result<json::value>(Error::io(""));
    const auto* data = parsed ? array_field(*parsed, "data") : nullptr;
    if (data == nullptr) {
      std::cerr << "kaos models: ModelAPI '" << name << "' at " << url << " did not list its models\n";
      status = 1;
      continue;
    }
    json::object entry;
    entry["name"] = name;
    entry["endpoint"] = url;
    entry["models"] = *data;
    out.push_back(std::move(entry));
    for (const auto& d : *data) {
      if (!d.is_object()) continue;
      t.add_row({name, std::string(string_field(d.as_object(), "id").value_or("")),
                 std::string(string_field(d.as_object(), "owned_by").value_or(""))});
    }
  }
  if (f.output == "json") {
    json::object o;
    o["modelapis"] = std::move(out);
    print_json(o);
  } else if (t.empty()) {
    std::cout << "No models.\n";
  } else {
    t.print(std::cout, Style(stdout));
  }
  co_return status;
}

int run_models(const ModelsFlags& f) {
  if (f.modelapi.empty() && f.endpoint.url.empty()) {
    auto client = local::ControlClient::connect();
    if (!client) {
      std::cerr << "kaos models: " << client.error().message << ", or give --url\n";
      return 1;
    }
    auto list = local::list_resources(*client, "modelapi");
    if (!list) {
      std::cerr << "kaos models: " << list.error().message << "\n";
      return 1;
    }
    std::vector<protocol::kaos::ResourceStatus> ready;
    for (const auto& r : *list)
      if (r.namespace_ == f.endpoint.namespace_ && local::phase_of(r) == plan::Phase::Ready) ready.push_back(r);
    if (ready.empty()) {
      std::cerr << "kaos models: no ModelAPI is Ready in namespace '" << f.endpoint.namespace_
                << "' (see `kaos status`)\n";
      return 1;
    }
    return run_client("models", [&](net::HttpClient& http) { return all_models(http, f, ready); });
  }
  const std::string name = f.modelapi.empty() ? f.endpoint.url : f.modelapi;
  auto url = resolve_or_report("models", "modelapi", name, f.endpoint);
  if (!url) return 1;
  if (url->size() >= 3 && url->compare(url->size() - 3, 3, "/v1") == 0) url->resize(url->size() - 3);
  return run_client("models", [&](net::HttpClient& http) { return models(http, f, *url, name); });
}

}  // namespace

void add_tools_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ToolsFlags>();
  auto* cmd =
      app.add_subcommand("tools", "List the tools an agent's model sees: MCP tools, delegate_to_<peer>, memory tools.");
  cmd->add_option("agent", flags->agent, "The agent's name")->required();
  cmd->add_option("--output,-o", flags->output,
                  "table: NAME, KIND, SOURCE, DESCRIPTION; json: the agent's /tools answer (with each\n"
                  "tool's JSON parameter schema)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  add_endpoint_flags(cmd, flags->endpoint, "agent");
  cmd->footer("Example:\n  kaos tools assistant -o json");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_tools(*flags); });
}

void add_models_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ModelsFlags>();
  auto* cmd = app.add_subcommand("models", "List the models a ModelAPI serves (GET /v1/models).");
  cmd->add_option("modelapi", flags->modelapi,
                  "The ModelAPI's name, found through the local runtime; without it (and without --url):\n"
                  "every Ready ModelAPI of the local runtime in the namespace");
  cmd->add_option("--output,-o", flags->output, "table: MODEL, OWNED BY; json: the /v1/models answer")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  add_endpoint_flags(cmd, flags->endpoint, "ModelAPI");
  cmd->footer(
      "Any OpenAI-compatible base URL works with --url (an agent serves itself as one model).\n"
      "Examples:\n"
      "  kaos models                  # every ModelAPI started by kaos up\n"
      "  kaos models my-modelapi\n"
      "  kaos models --url http://127.0.0.1:8001");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_models(*flags); });
}

}  // namespace kaos::cli
