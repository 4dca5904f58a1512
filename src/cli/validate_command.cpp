// `kaos validate -f PATH…`: parse, default and validate manifests the way the API server (with
// the KAOS CRDs) and the KAOS controllers would, and report every problem with its field path.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "api/manifest.hpp"
#include "cli/command.hpp"
#include "cli/manifest_files.hpp"
#include "core/json.hpp"

namespace kaos::cli {

namespace {

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string namespace_ = "default";
  std::string output = "text";
};

void print_text(const api::ManifestSet& set) {
  for (const auto& entry : set.entries) {
    if (!entry.has_errors()) {
      std::cout << entry.label() << ": ok";
      if (const auto* generic = entry.resource ? std::get_if<api::GenericObject>(&*entry.resource) : nullptr) {
        // Unmodelled kaos.tools kinds (AccessGrant, ...) carry their own note instead.
        if (!generic->api_version.starts_with("kaos.tools/")) std::cout << " (not a KAOS resource, passed through)";
      }
      std::cout << "\n";
    }
    for (const auto& d : entry.diagnostics.items()) std::cout << entry.format(d) << "\n";
  }
}

json::value report_json(const api::ManifestSet& set) {
  json::array resources;
  for (const auto& entry : set.entries) {
    json::array diags;
    for (const auto& d : entry.diagnostics.items()) {
      diags.push_back(json::object{{"severity", api::severity_name(d.severity)},
                                   {"path", d.path},
                                   {"message", d.message},
                                   {"text", entry.format(d)}});
    }
    resources.push_back(json::object{{"source", entry.source},
                                     {"line", entry.line},
                                     {"kind", entry.kind},
                                     {"name", entry.name},
                                     {"namespace", entry.namespace_},
                                     {"kaos", entry.kaos_kind},
                                     {"valid", !entry.has_errors()},
                                     {"diagnostics", std::move(diags)}});
  }
  return json::object{{"valid", !set.has_errors()}, {"resources", std::move(resources)}};
}

int run_validate(const ValidateOptions& opts) {
  std::vector<std::pair<std::string, std::string>> sources;
  bool read_ok = read_sources(opts.paths, sources);
  api::LoadOptions load;
  load.default_namespace = opts.namespace_;
  api::ManifestSet set = api::load_manifests(sources, load);
  if (opts.output == "json") {
    std::cout << to_pretty_json(report_json(set));
  } else {
    print_text(set);
  }
  std::size_t invalid = static_cast<std::size_t>(
      std::count_if(set.entries.begin(), set.entries.end(), [](const auto& e) { return e.has_errors(); }));
  if (opts.output != "json") {
    std::cerr << set.entries.size() << (set.entries.size() == 1 ? " object" : " objects") << ", " << invalid
              << " invalid\n";
  }
  return (read_ok && invalid == 0) ? 0 : 1;
}

}  // namespace

void add_validate_command(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Validate KAOS manifests (Agent, ModelAPI, MCPServer, MemoryStore)");
  cmd->description(
      "Validate KAOS manifests (kaos.tools/v1alpha1 Agent, ModelAPI, MCPServer, MemoryStore) as the\n"
      "API server with the KAOS CRDs and the KAOS controllers would: types, unknown fields, enums,\n"
      "bounds, required fields, defaults, CEL rules, Kubernetes names, and the Agent model against\n"
      "its ModelAPI when both are in the given files. Other kinds (Namespace, Secret, ConfigMap, ...)\n"
      "are accepted and passed through. Files may hold several '---' documents, a JSON object, or a\n"
      "'kind: List'.\n\n"
      "Prints 'Kind/name: ok' per object, or one line per problem:\n"
      "  examples/x.yaml:12: Agent/coordinator: spec.config.reasoningLoopMaxSteps: must be between 1 and 20, got 50\n"
      "Warnings and notes (e.g. a referenced ModelAPI that is not in the files and must exist in the\n"
      "cluster) do not fail validation. Exit status: 0 valid, 1 any error.");
  cmd->add_option("-f,--filename", opts->paths,
                  "Manifest file or directory (recursive: *.yaml, *.yml, *.json); '-' reads stdin. Repeatable.")
      ->required()
      ->allow_extra_args();
  cmd->add_option("-n,--namespace", opts->namespace_, "Namespace of objects that do not set one")
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([opts, &ctx] { ctx.exit_code = run_validate(*opts); });
}

}  // namespace kaos::cli
