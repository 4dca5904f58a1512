#include <iostream>

#include "cli/command.hpp"
#include "core/version.hpp"

namespace kaos::cli {

void add_version_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("version", "Print the version and build information");
  cmd->callback([&ctx] {
    std::cout << "kaos " << kaos::version() << " (commit " << kaos::git_commit() << ", C++20, GCC " << __GNUC__ << "."
              << __GNUC_MINOR__ << ")\n";
    ctx.exit_code = 0;
  });
}

}  // namespace kaos::cli
