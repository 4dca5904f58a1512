// `kaos crds`: the four KAOS CustomResourceDefinitions, generated from the same schema tables
// `kaos validate` uses.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/crd.hpp"
#include "cli/command.hpp"

namespace kaos::cli {

namespace {

int run_crds(const std::string& output_dir) {
  if (output_dir.empty()) {
    std::cout << api::render_all_crds_yaml();
    return 0;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(output_dir, ec);
  if (ec) {
    std::cerr << output_dir << ": " << ec.message() << "\n";
    return 1;
  }
  for (const auto& kind : api::kaos_kinds()) {
    fs::path file = fs::path(output_dir) / api::crd_file_name(kind);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << api::render_crd_yaml(kind);
    out.close();
    if (!out) {
      std::cerr << file.string() << ": cannot write file\n";
      return 1;
    }
    std::cout << "wrote " << file.string() << "\n";
  }
  return 0;
}

}  // namespace

void add_crds_command(CLI::App& app, CommandContext& ctx) {
  auto output_dir = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("crds", "Print the KAOS CustomResourceDefinitions");
  cmd->description(
      "Print the CustomResourceDefinitions (apiextensions.k8s.io/v1) of Agent, MCPServer, MemoryStore\n"
      "and ModelAPI (group kaos.tools, version v1alpha1) as one multi-document YAML stream, ready for\n"
      "'kubectl apply -f -'. The schemas, defaults and CEL rules are the ones 'kaos validate' checks.\n"
      "With --output-dir, write one file per CRD instead, named like kubebuilder's\n"
      "(kaos.tools_agents.yaml, ...).");
  cmd->add_option("-d,--output-dir", *output_dir, "Write kaos.tools_<plural>.yaml files into this directory");
  cmd->callback([output_dir, &ctx] { ctx.exit_code = run_crds(*output_dir); });
}

}  // namespace kaos::cli
