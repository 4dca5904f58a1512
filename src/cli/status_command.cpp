// `kaos status`, `get`, `describe`, `logs`: what the local runtime runs and how it is doing
// (docs/local.md).
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "cli/command.hpp"
#include "cli/local_runtime.hpp"
#include "cli/output.hpp"
#include "control/local/control_api.hpp"
#include "core/yaml.hpp"

namespace kaos::cli {

namespace {

Result<local::ControlClient> connect(std::string_view command) {
  auto c = local::ControlClient::connect();
  if (!c) std::cerr << "kaos " << command << ": " << c.error().message << "\n";
  return c;
}

Result<json::array> resources(local::ControlClient& client, const std::string& path) {
  auto res = client.get(path);
  if (!res) return res.error();
  if (res->status != 200 || !res->body.is_array())
    return Error{ErrorKind::protocol,
                 "the local runtime answered " + std::to_string(res->status) + ": " + to_json(res->body)};
  return res->body.get_array();
}

int run_status(const std::string& output) {
  auto client = connect("status");
  if (!client) return 1;
  auto res = client->get("/v1/status");
  if (!res || res->status != 200) {
    std::cerr << "kaos status: " << (res ? to_json(res->body) : res.error().message) << "\n";
    return 1;
  }
  if (output == "json") {
    print_json(res->body);
    return 0;
  }
  const auto& sup = res->body.at("supervisor").get_object();
  std::cout << "local runtime: pid " << value_text(sup.at("pid")) << ", state " << value_text(sup.at("state_dir"))
            << "\n\n";
  print_status_table(res->body.at("resources").get_array(), output == "wide");
  return 0;
}

int run_get(const std::string& kind_word, const std::string& name, const std::string& ns, bool all_ns,
            const std::string& output) {
  auto kind = local::canonical_kind(kind_word);
  if (kind.empty() && kind_word != "all") {
    std::cerr << "kaos get: unknown kind '" << kind_word << "' (agent, modelapi, mcpserver, all)\n";
    return 2;
  }
  auto client = connect("get");
  if (!client) return 1;
  auto list = resources(*client, kind.empty() ? "/v1/resources" : "/v1/resources/" + kind);
  if (!list) {
    std::cerr << "kaos get: " << list.error().message << "\n";
    return 1;
  }
  json::array picked;
  for (const auto& v : *list) {
    const auto& r = v.get_object();
    if (!all_ns && r.at("namespace").get_string() != ns) continue;
    if (!name.empty() && r.at("name").get_string() != name) continue;
    picked.push_back(v);
  }
  if (!name.empty() && picked.empty()) {
    std::cerr << "kaos get: " << kind << " '" << name << "' not found in namespace '" << ns << "'\n";
    return 1;
  }
  if (output == "json" || output == "yaml") {
    // One resource by name: its full description; a list: the statuses.
    json::value out = picked;
    if (!name.empty()) {
      auto d = client->get("/v1/resources/" + kind + "/" + ns + "/" + name);
      if (d && d->status == 200) out = d->body;
    }
    if (output == "json")
      print_json(out);
    else
      std::cout << to_yaml(out);
    return 0;
  }
  print_status_table(picked, output == "wide");
  return 0;
}

int run_describe(const std::string& kind_word, const std::string& name, const std::string& ns) {
  auto kind = local::canonical_kind(kind_word);
  if (kind.empty()) {
    std::cerr << "kaos describe: unknown kind '" << kind_word << "' (agent, modelapi, mcpserver)\n";
    return 2;
  }
  auto client = connect("describe");
  if (!client) return 1;
  auto res = local::find_resource(*client, kind, name, ns);
  if (!res) {
    std::cerr << "kaos describe: " << res.error().message << "\n";
    return 1;
  }
  const auto& d = *res;
  Style s(stdout);
  auto field = [&](std::string_view label, const std::string& value) {
    std::cout << s.bold(std::string(label) + ":") << std::string(12 - std::min<std::size_t>(11, label.size()), ' ')
              << value << "\n";
  };
  field("Name", value_text(d.at("name")));
  field("Namespace", value_text(d.at("namespace")));
  field("Kind", value_text(d.at("kind")));
  field("Phase", value_text(d.at("phase")));
  field("Ready", d.at("ready").as_bool() ? "true" : "false");
  field("Endpoint", value_text(d.at("endpoint")));
  field("Message", value_text(d.at("message")));
  field("PID", value_text(d.at("pid")));
  field("Restarts", value_text(d.at("restarts")));
  field("Log", value_text(d.at("log")));
  std::string cmd;
  for (const auto& a : d.at("command").get_array()) cmd += (cmd.empty() ? "" : " ") + value_text(a);
  field("Command", cmd);
  std::cout << s.bold("Environment:") << "\n";
  for (const auto& e : d.at("env").get_array()) {
    const auto& o = e.get_object();
    std::cout << "  " << value_text(o.at("name")) << "="
              << (o.contains("value") ? preview(value_text(o.at("value")), 100)
                                      : "<" + value_text(o.at("valueFrom")) + ">")
              << "\n";
  }
  if (!d.at("dependencies").get_array().empty()) {
    std::cout << s.bold("Depends on:") << "\n";
    for (const auto& dep : d.at("dependencies").get_array()) std::cout << "  " << value_text(dep) << "\n";
  }
  std::cout << s.bold("Spec:") << "\n";
  std::string spec_yaml = to_yaml(d.at("spec"));
  std::string line;
  for (char c : spec_yaml) {
    if (c == '\n') {
      std::cout << "  " << line << "\n";
      line.clear();
    } else {
      line += c;
    }
  }
  std::cout << s.bold("Events:") << "\n";
  Table t({"TIME", "TYPE", "MESSAGE"});
  for (const auto& e : d.at("events").get_array()) {
    const auto& o = e.get_object();
    t.add_row({short_time(value_text(o.at("timestamp"))), value_text(o.at("type")), value_text(o.at("message"))});
  }
  if (t.empty())
    std::cout << "  none\n";
  else
    t.print(std::cout, s);
  return 0;
}

int run_logs(const std::string& name, const std::string& kind_word, const std::string& ns, bool follow, int tail) {
  auto client = connect("logs");
  if (!client) return 1;
  auto list = resources(*client, "/v1/resources");
  if (!list) {
    std::cerr << "kaos logs: " << list.error().message << "\n";
    return 1;
  }
  auto kind = local::canonical_kind(kind_word);
  std::vector<json::object> matches;
  for (const auto& v : *list) {
    const auto& r = v.get_object();
    if (r.at("name").get_string() != name || r.at("namespace").get_string() != ns) continue;
    if (!kind.empty() && r.at("kind").get_string() != kind) continue;
    matches.push_back(r);
  }
  if (matches.empty()) {
    std::cerr << "kaos logs: no resource named '" << name << "' in namespace '" << ns << "' (see `kaos status`)\n";
    return 1;
  }
  if (matches.size() > 1) {
    std::cerr << "kaos logs: several resources are named '" << name << "'; add --kind agent|modelapi|mcpserver\n";
    return 2;
  }
  auto path = std::string(matches[0].at("log").get_string());
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "kaos logs: no log yet at " << path << "\n";
    return follow ? 0 : 1;
  }
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  std::size_t first = tail >= 0 && lines.size() > static_cast<std::size_t>(tail) ? lines.size() - tail : 0;
  for (std::size_t i = first; i < lines.size(); ++i) std::cout << lines[i] << "\n";
  std::cout << std::flush;
  if (!follow) return 0;
  in.clear();
  auto pos = in.tellg();
  // Follow: print what is appended until the runtime goes away (or Ctrl-C).
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    in.seekg(0, std::ios::end);
    auto end = in.tellg();
    if (end < pos) pos = 0;  // truncated
    if (end > pos) {
      in.seekg(pos);
      std::string chunk(static_cast<std::size_t>(end - pos), '\0');
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      std::cout << chunk << std::flush;
      pos = end;
    }
    in.clear();
    if (!local::read_supervisor(local::StateDir::resolve())) return 0;
  }
}

}  // namespace

void add_status_commands(CLI::App& app, CommandContext& ctx) {
  auto status_out = std::make_shared<std::string>("table");
  auto* status =
      app.add_subcommand("status", "Every resource of the local runtime: phase, readiness, endpoint, message.");
  status->add_option("-o,--output", *status_out, "table | wide | json")
      ->check(CLI::IsMember({"table", "wide", "json"}))
      ->capture_default_str();
  status->callback([status_out, &ctx] { ctx.exit_code = run_status(*status_out); });

  struct GetFlags {
    std::string kind, name, ns = "default", output = "table";
    bool all = false;
  };
  auto g = std::make_shared<GetFlags>();
  auto* get = app.add_subcommand("get", "List resources of a kind (agent, modelapi, mcpserver, all), or one by name.");
  get->add_option("kind", g->kind, "agent | modelapi | mcpserver | all (short names: api, mcp)")->required();
  get->add_option("name", g->name, "One resource");
  get->add_option("-n,--namespace", g->ns, "Namespace")->capture_default_str();
  get->add_flag("-A,--all-namespaces", g->all, "Every namespace");
  get->add_option("-o,--output", g->output, "table | wide | yaml | json")
      ->check(CLI::IsMember({"table", "wide", "yaml", "json"}))
      ->capture_default_str();
  get->callback([g, &ctx] { ctx.exit_code = run_get(g->kind, g->name, g->ns, g->all, g->output); });

  struct DescribeFlags {
    std::string kind, name, ns = "default";
  };
  auto d = std::make_shared<DescribeFlags>();
  auto* describe = app.add_subcommand(
      "describe",
      "One resource in full: status, endpoint, command, environment (secrets hidden), spec, recent events.");
  describe->add_option("kind", d->kind, "agent | modelapi | mcpserver")->required();
  describe->add_option("name", d->name, "Resource name")->required();
  describe->add_option("-n,--namespace", d->ns, "Namespace")->capture_default_str();
  describe->callback([d, &ctx] { ctx.exit_code = run_describe(d->kind, d->name, d->ns); });

  struct LogsFlags {
    std::string name, kind, ns = "default";
    bool follow = false;
    int tail = -1;
  };
  auto lf = std::make_shared<LogsFlags>();
  auto* logs = app.add_subcommand("logs", "Print a workload's log (its stdout and stderr).");
  logs->add_option("name", lf->name, "Resource name")->required();
  logs->add_option("-k,--kind", lf->kind, "agent | modelapi | mcpserver, when names clash");
  logs->add_option("-n,--namespace", lf->ns, "Namespace")->capture_default_str();
  logs->add_flag("-f,--follow", lf->follow, "Keep printing what is appended");
  logs->add_option("--tail", lf->tail, "Only the last N lines");
  logs->callback([lf, &ctx] { ctx.exit_code = run_logs(lf->name, lf->kind, lf->ns, lf->follow, lf->tail); });
}

}  // namespace kaos::cli
