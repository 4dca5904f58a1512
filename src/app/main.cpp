// The one program: `kaos <command>`. Parses arguments and dispatches to src/cli.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/command.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "kaos — run multi-agent AI systems (agents, MCP tool servers, model APIs) declared as KAOS\n"
      "resources (kaos.tools/v1alpha1), on Kubernetes or on one machine.",
      "kaos"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.footer("Run 'kaos <command> --help' for a command's options.");

  kaos::cli::CommandContext ctx;
  kaos::cli::add_version_command(app, ctx);
  kaos::cli::add_validate_command(app, ctx);
  kaos::cli::add_crds_command(app, ctx);
  kaos::cli::add_install_command(app, ctx);
  kaos::cli::add_render_command(app, ctx);
  kaos::cli::add_operator_command(app, ctx);
  kaos::cli::add_modelapi_command(app, ctx);
  kaos::cli::add_mcp_command(app, ctx);
  kaos::cli::add_mcp_call_command(app, ctx);
  kaos::cli::add_agent_command(app, ctx);
  kaos::cli::add_chat_command(app, ctx);
  kaos::cli::add_invoke_command(app, ctx);
  kaos::cli::add_tasks_command(app, ctx);
  kaos::cli::add_memory_command(app, ctx);
  kaos::cli::add_tools_command(app, ctx);
  kaos::cli::add_models_command(app, ctx);
  kaos::cli::add_up_commands(app, ctx);
  kaos::cli::add_status_commands(app, ctx);
  kaos::cli::add_secret_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0; every usage mistake exits 2, as the
    // commands document (CLI11's own codes, 105-120, would be meaningless to scripts).
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    // A backstop, not a path: every command turns bad input and bad replies into errors of its
    // own (tests/integration/cli_hostile_peer_test.py fails on this message). Reaching it is a
    // bug, but it ends with a message and status 1 instead of an abort (134).
    std::cerr << "kaos: internal error: " << e.what() << " (please report this)\n";
    return 1;
  }
  return ctx.exit_code;
}
