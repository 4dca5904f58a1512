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
void add_install_command(CLI::App& app, CommandContext& ctx);   // install_command.cpp
void add_render_command(CLI::App& app, CommandContext& ctx);    // render_command.cpp
void add_operator_command(CLI::App& app, CommandContext& ctx);  // operator_command.cpp
void add_modelapi_command(CLI::App& app, CommandContext& ctx);  // modelapi_command.cpp
void add_mcp_command(CLI::App& app, CommandContext& ctx);       // mcp_command.cpp
void add_mcp_call_command(CLI::App& app, CommandContext& ctx);  // mcp_call_command.cpp
void add_agent_command(CLI::App& app, CommandContext& ctx);     // agent_command.cpp
// Talking to running agents and ModelAPIs (found with --url or through the local runtime).
void add_chat_command(CLI::App& app, CommandContext& ctx);     // chat_command.cpp
void add_invoke_command(CLI::App& app, CommandContext& ctx);   // invoke_command.cpp
void add_tasks_command(CLI::App& app, CommandContext& ctx);    // invoke_command.cpp
void add_memory_command(CLI::App& app, CommandContext& ctx);   // memory_command.cpp
void add_tools_command(CLI::App& app, CommandContext& ctx);    // tools_command.cpp
void add_models_command(CLI::App& app, CommandContext& ctx);   // tools_command.cpp
void add_up_commands(CLI::App& app, CommandContext& ctx);      // up_command.cpp: up, apply, down, delete
void add_status_commands(CLI::App& app, CommandContext& ctx);  // status_command.cpp: status, get, describe, logs
void add_secret_commands(CLI::App& app, CommandContext& ctx);  // secret_command.cpp

// Flags every server command shares (server_flags.cpp).
/// --allowed-origins / --allowed-hosts (comma lists), defaulting to $KAOS_ALLOWED_ORIGINS and
/// $KAOS_ALLOWED_HOSTS: the browser-safety settings of net/browser_safety.hpp.
void add_browser_safety_options(CLI::App& cmd, std::vector<std::string>& allowed_origins,
                                std::vector<std::string>& allowed_hosts);
/// --api-key for commands that call a server, defaulting to $KAOS_API_KEY (sent as a bearer key).
void add_api_key_option(CLI::App& cmd, std::string& api_key);

}  // namespace kaos::cli
