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

namespace wire = protocol::kaos;

int run_status(const std::string& output) {
  auto client = connect("status");
  if (!client) return 1;
  auto reply = local::fetch_status(*client);
  if (!reply) {
    std::cerr << "kaos status: " << reply.error().message << "\n";
    return 1;
  }
  if (output == "json") {
    print_json(wire::status_reply_json(*reply));
    return 0;
  }
  std::cout << "local runtime: pid " << reply->supervisor.pid << ", state " << reply->supervisor.state_dir << "\n\n";
  print_status_table(reply->resources, output == "wide");
  return 0;
}

int run_get(const std::string& kind_word, const std::string& name, const std::string& ns, bool all_ns,
            const std::string& output) {
  auto kind = local::canonical_kind(kind_word);
  if (kind.empty() && kind_word != "all") {
    std::cerr << "kaos get: unknown kind '" << kind_word << "' (" << local::kind_words() << ", all)\n";
    return 2;
  }
  auto client = connect("get");
  if (!client) return 1;
  auto list = local::list_resources(*client, kind);
  if (!list) {
    std::cerr << "kaos get: " << list.error().message << "\n";
    return 1;
  }
  std::vector<wire::ResourceStatus> picked;
  for (const auto& r : *list) {
    if (!all_ns && r.namespace_ != ns) continue;
    if (!name.empty() && r.name != name) continue;
    picked.push_back(r);
  }
  if (!name.empty() && picked.empty()) {
    std::cerr << "kaos get: " << kind << " '" << name << "' not found in namespace '" << ns << "'\n";
    return 1;
  }
  if (output == "json" || output == "yaml") {
    // One resource by name: its full description; a list: the statuses.
    json::value out = wire::resource_list_json(picked);
    if (!name.empty()) {
      if (auto d = local::find_resource(*client, kind, name, ns)) out = wire::resource_description_json(*d);
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

void print_description(const wire::ResourceDescription& d) {
  Style s(stdout);
  auto field = [&](std::string_view label, const std::string& value) {
    std::cout << s.bold(std::string(label) + ":") << std::string(12 - std::min<std::size_t>(11, label.size()), ' ')
              << value << "\n";
  };
  const auto& st = d.status;
  field("Name", st.name);
  field("Namespace", st.namespace_);
  field("Kind", st.kind);
  field("Phase", st.phase);
  field("Ready", st.ready ? "true" : "false");
  field("Endpoint", st.endpoint);
  field("Message", st.message);
  for (const auto& c : st.conditions)
    field("Condition", c.type + "=" + c.status + " " + c.reason + ": " + c.message + " (since " +
                           short_time(c.last_transition_time) + ")");
  field("PID", std::to_string(st.pid));
  field("Restarts", std::to_string(st.restarts));
  field("Log", st.log);
  std::string cmd;
  for (const auto& a : d.command) cmd += (cmd.empty() ? "" : " ") + a;
  field("Command", cmd);
  std::cout << s.bold("Environment:") << "\n";
  for (const auto& e : d.env)
    std::cout << "  " << e.name << "=" << (e.value ? preview(*e.value, 100) : "<" + e.value_from.value_or("") + ">")
              << "\n";
  if (!d.dependencies.empty()) {
    std::cout << s.bold("Depends on:") << "\n";
    for (const auto& dep : d.dependencies) std::cout << "  " << dep << "\n";
  }
  std::cout << s.bold("Spec:") << "\n";
  std::string spec_yaml = to_yaml(d.spec);
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
  for (const auto& e : d.events) t.add_row({short_time(e.timestamp), e.type, e.message});
  if (t.empty())
    std::cout << "  none\n";
  else
    t.print(std::cout, s);
}

int run_describe(const std::string& kind_word, const std::string& name, const std::string& ns) {
  auto kind = local::canonical_kind(kind_word);
  if (kind.empty()) {
    std::cerr << "kaos describe: unknown kind '" << kind_word << "' (" << local::kind_words() << ")\n";
    return 2;
  }
  auto client = connect("describe");
  if (!client) return 1;
  auto res = local::find_resource(*client, kind, name, ns);
  if (!res) {
    std::cerr << "kaos describe: " << res.error().message << "\n";
    return 1;
  }
  print_description(*res);
  return 0;
}

int run_logs(const std::string& name, const std::string& kind_word, const std::string& ns, bool follow, int tail) {
  auto client = connect("logs");
  if (!client) return 1;
  auto list = local::list_resources(*client);
  if (!list) {
    std::cerr << "kaos logs: " << list.error().message << "\n";
    return 1;
  }
  auto kind = local::canonical_kind(kind_word);
  std::vector<wire::ResourceStatus> matches;
  for (const auto& r : *list) {
    if (r.name != name || r.namespace_ != ns) continue;
    if (!kind.empty() && r.kind != kind) continue;
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
  const auto path = matches[0].log;
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
  auto* get = app.add_subcommand("get", "List resources of a kind, or one by name.");
  get->add_option("kind", g->kind,
                  "agent | modelapi | mcpserver | memorystore | accessgrant | thirdpartyservice | all (short names: "
                  "api, mcp, memstore, tps; plurals too)")
      ->required();
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
  describe->add_option("kind", d->kind, "agent | modelapi | mcpserver | memorystore | accessgrant | thirdpartyservice")
      ->required();
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
