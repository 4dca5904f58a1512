// `kaos render -f PATH…`: the Kubernetes objects the kaos operator creates for a manifest set
// (Deployments, Services, ConfigMaps, HTTPRoutes), from the same renderers its controllers call.
#include <iostream>
#include <map>

#include "api/manifest.hpp"
#include "cli/command.hpp"
#include "cli/manifest_files.hpp"
#include "cli/output.hpp"
#include "control/operator/render.hpp"
#include "core/env.hpp"
#include "core/json.hpp"

namespace kaos::cli {

namespace {

struct RenderOptions {
  std::vector<std::string> paths;
  std::string namespace_ = "default";
  std::string output = "yaml";
  bool strict = false;
};

int run_render(const RenderOptions& opts) {
  auto settings = control::operator_::parse_operator_settings(environment_map());  // the operator's own variables
  if (!settings) {
    std::cerr << "kaos render: " << settings.error().message << "\n";
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> sources;
  bool read_ok = read_sources(opts.paths, sources);
  api::LoadOptions load;
  load.default_namespace = opts.namespace_;
  auto set = api::load_manifests(sources, load);
  bool invalid = false;
  std::vector<api::Resource> resources;
  for (const auto& entry : set.entries) {
    for (const auto& d : entry.diagnostics.items())
      if (d.severity == api::Severity::Error) std::cerr << entry.format(d) << "\n";
    invalid = invalid || entry.has_errors();
    if (entry.resource) resources.push_back(*entry.resource);
  }
  if (!read_ok || invalid) {
    std::cerr << "kaos render: the manifests are not valid (see 'kaos validate'); nothing rendered\n";
    return 1;
  }
  auto rendered = control::operator_::render_resources(resources, *settings);
  std::size_t skipped = 0;
  for (const auto& w : rendered.workloads) {
    if (w.not_rendered) {
      ++skipped;
      std::cerr << w.ref.kind << "/" << w.ref.name << " (namespace " << w.ref.namespace_
                << "): not rendered: " << *w.not_rendered << "\n";
    } else if (w.waiting) {
      std::cerr << w.ref.kind << "/" << w.ref.name << " (namespace " << w.ref.namespace_ << "): rendered, but "
                << *w.waiting << " in these files (the operator waits for it in the cluster)\n";
    }
  }
  const auto objects = rendered.objects();
  print_kubernetes_objects(json::array(objects.begin(), objects.end()), opts.output);
  return opts.strict && skipped > 0 ? 1 : 0;
}

}  // namespace

void add_render_command(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<RenderOptions>();
  auto* cmd = app.add_subcommand("render", "Print the Kubernetes objects the kaos operator creates for manifests");
  cmd->description(
      "Print the Kubernetes objects the kaos operator creates for KAOS manifests, without a cluster:\n"
      "per ModelAPI, MCPServer and Agent a Deployment <prefix>-<name> (labels app=<prefix>,\n"
      "<prefix>=<name>; pod-spec hash annotation kaos.tools/pod-spec-hash), a Service (not for an\n"
      "Agent with agentNetwork.expose: false), the Proxy ModelAPI's ConfigMap litellm-config-<name>,\n"
      "and with GATEWAY_API_ENABLED=true an HTTPRoute <type>-<name>. Prefixes: agent, mcpserver,\n"
      "modelapi. The renderers are the operator's own; its settings come from the same environment\n"
      "variables (DEFAULT_AGENT_IMAGE, DEFAULT_OLLAMA_IMAGE, DEFAULT_LOG_LEVEL,\n"
      "DEFAULT_TELEMETRY_ENABLED/_ENDPOINT, SYSTEM_NAMESPACE, GATEWAY_API_ENABLED, GATEWAY_NAME,\n"
      "GATEWAY_NAMESPACE, GATEWAY_DEFAULT_{AGENT,MODELAPI,MCP}_TIMEOUT).\n\n"
      "Owner references are set only for objects whose metadata has a uid (a resource read back from\n"
      "a cluster). A workload that cannot run (a custom MCP runtime without an image, an unsupported\n"
      "model, a MemoryStore: not run yet) renders nothing, with the reason on stderr; a workload whose\n"
      "dependency is not in the files renders with a note. Exit status: 0 rendered, 1 invalid\n"
      "manifests (or, with --strict, any workload not rendered), 2 bad flags or settings.");
  cmd->add_option("-f,--filename", opts->paths,
                  "Manifest file or directory (recursive: *.yaml, *.yml, *.json); '-' reads stdin. Repeatable.")
      ->required()
      ->allow_extra_args();
  cmd->add_option("-n,--namespace", opts->namespace_, "Namespace of objects that do not set one")
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Output format: yaml (a '---' stream) or json (a v1 List)")
      ->check(CLI::IsMember({"yaml", "json"}))
      ->capture_default_str();
  cmd->add_flag("--strict", opts->strict, "Exit 1 when any workload is not rendered");
  cmd->callback([opts, &ctx] { ctx.exit_code = run_render(*opts); });
}

}  // namespace kaos::cli
