#pragma once
// Each command group registers its subcommands on the root CLI11 app. A command's callback
// stores the process exit status in the shared context; main() returns it.
#include <CLI/CLI.hpp>

namespace kaos::cli {

struct CommandContext {
  int exit_code = 0;
};

void add_version_command(CLI::App& app, CommandContext& ctx);   // version_command.cpp
void add_validate_command(CLI::App& app, CommandContext& ctx);  // validate_command.cpp
void add_crds_command(CLI::App& app, CommandContext& ctx);      // crds_command.cpp
void add_modelapi_command(CLI::App& app, CommandContext& ctx);  // modelapi_command.cpp
void add_mcp_command(CLI::App& app, CommandContext& ctx);       // mcp_command.cpp
void add_mcp_call_command(CLI::App& app, CommandContext& ctx);  // mcp_call_command.cpp
void add_agent_command(CLI::App& app, CommandContext& ctx);     // agent_command.cpp

}  // namespace kaos::cli
