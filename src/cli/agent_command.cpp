// `kaos agent`: the agent server, configured by KAOS's environment contract (AGENT_NAME,
// MODEL_API_URL, MODEL_NAME, MCP_SERVERS, PEER_AGENTS, MEMORY_*, TASK_*, AUTONOMOUS_*,
// DEBUG_MOCK_RESPONSES, ...; docs/agent.md) so a KAOS pod spec runs it unchanged.
#include <iostream>

#include "cli/command.hpp"
#include "core/env.hpp"
#include "core/log.hpp"
#include "net/server.hpp"
#include "servers/agent/config.hpp"
#include "servers/agent/server.hpp"

namespace kaos::cli {

namespace {

struct AgentFlags {
  std::string host = "0.0.0.0";
  int port = -1;  ///< -1: AGENT_PORT (default 8000)
  std::size_t body_limit = 10 * 1024 * 1024;
  bool check = false;
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
};

int run_agent(const AgentFlags& f) {
  auto log_settings = log_settings_from_env();
  if (!log_settings) {
    std::cerr << "kaos agent: " << log_settings.error().message << "\n";
    return 2;
  }
  auto config = agent::load_agent_config(agent::process_env());
  if (!config) {
    std::cerr << "kaos agent: " << config.error().message << "\n";
    return 2;
  }
  if (f.port >= 0) config->port = static_cast<std::uint16_t>(f.port);
  if (f.check) {
    std::cout << "kaos agent: configuration of '" << config->name << "' is valid\n";
    return 0;
  }
  init_logging(*log_settings, "agent");

  net::ServerOptions server;
  server.host = f.host;
  server.port = config->port;
  server.body_limit = f.body_limit;

  // run_server owns the agent from here (through these closures) and releases them while its
  // io_context still exists: the agent's clients and timers must die before that context.
  auto holder = std::make_shared<std::shared_ptr<agent::AgentServer>>();
  agent::AgentAccess access;
  access.browser.allowed_origins = f.allowed_origins;
  access.browser.allowed_hosts = f.allowed_hosts;
  access.api_key = env_string("AGENT_API_KEY").value_or("");
  auto make_router = [holder, cfg = std::move(*config), access = std::move(access)](net::Executor ex) {
    *holder = agent::AgentServer::create(ex, cfg);
    return (*holder)->router(access);
  };
  net::ServerHooks hooks;
  hooks.on_listening = [holder, host = f.host](std::uint16_t port) {
    if (*holder) (*holder)->on_listening(port);
    spdlog::info("kaos agent listening on {}:{}", host, port);
    std::cout << "kaos agent listening on http://" << host << ":" << port << std::endl;
  };
  hooks.on_shutdown = [holder] {
    if (*holder) (*holder)->on_shutdown();
  };
  holder.reset();
  return net::run_server(server, 1, std::move(make_router), std::move(hooks));
}

}  // namespace

void add_agent_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<AgentFlags>();
  auto* cmd = app.add_subcommand(
      "agent",
      "Run an agent server: OpenAI-compatible /v1/chat/completions, A2A JSON-RPC at / with its card at\n"
      "/.well-known/agent-card.json, the agent as an MCP tool at /mcp, /tools, /memory/events,\n"
      "/memory/sessions, /health, /ready and /metrics.\n"
      "Configured by KAOS's environment variables, as a KAOS pod would set them:\n"
      "  AGENT_NAME (required), MODEL_API_URL + MODEL_NAME (or DEBUG_MOCK_RESPONSES), AGENT_INSTRUCTIONS,\n"
      "  AGENT_SYSTEM_PROMPT, AGENT_DESCRIPTION, AGENTIC_LOOP_MAX_STEPS (5), TOOL_CALL_MODE (auto|native|string),\n"
      "  MCP_SERVERS + MCP_SERVER_<name>_URL, PEER_AGENTS + PEER_AGENT_<NAME>_CARD_URL or AGENT_SUB_AGENTS,\n"
      "  MEMORY_ENABLED, MEMORY_TYPE (local|remote|redis) + MEMORY_REDIS_URL, MEMORY_MAX_READ_SCOPE\n"
      "  (session|agent|user), MEMORY_CONTEXT_LIMIT, TASK_STORE_TYPE,\n"
      "  TASK_MAX_*, AUTONOMOUS_GOAL, AUTONOMOUS_INTERVAL_SECONDS, LOG_LEVEL ...\n"
      "Bounds by bytes (docs/agent.md, \"Memory bounds\"): AGENT_MAX_MESSAGE_BYTES (1 MiB; larger: 413),\n"
      "  MEMORY_MAX_SESSION_BYTES (8 MiB), MEMORY_MAX_TOTAL_BYTES (128 MiB), TASK_STORE_MAX_BYTES (64 MiB).\n"
      "An unknown or malformed value stops the agent at start with a message naming the variable.\n"
      "See docs/agent.md.");
  cmd->add_option("--host", flags->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port,-p", flags->port, "Port to listen on (default $AGENT_PORT or 8000; 0 picks a free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--body-limit", flags->body_limit, "Largest request body in bytes (larger gets 413)")
      ->capture_default_str();
  cmd->add_flag("--check", flags->check, "Only validate the environment configuration and exit");
  add_browser_safety_options(*cmd, flags->allowed_origins, flags->allowed_hosts);
  cmd->footer(
      "AGENT_API_KEY: when set, every route but /health and /ready needs 'Authorization: Bearer <key>'\n"
      "(the key is never forwarded to the model, tools or peer agents). See docs/security.md.");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_agent(*flags); });
}

}  // namespace kaos::cli
