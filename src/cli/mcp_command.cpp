// `kaos mcp`: an MCP server over Streamable HTTP, with a runtime that supplies its tools:
// everything (built-in C++ toolset), python-string (KAOS's MCP_TOOLS_STRING functions, run in
// sandboxed Python workers) or stdio (any stdio MCP server, one child per session).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "core/duration.hpp"
#include "core/env.hpp"
#include "core/log.hpp"
#include "net/api_key.hpp"
#include "net/browser_safety.hpp"
#include "net/server.hpp"
#include "servers/mcp/runtime.hpp"
#include "servers/mcp/transport_http.hpp"

namespace kaos::cli {

namespace {

struct McpFlags {
  mcp::RuntimeConfig runtime;
  std::string host = "0.0.0.0";
  std::uint16_t port = 8000;
  unsigned threads = 1;
  std::string params_file;
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
  std::size_t max_sessions = 10'000;
  std::size_t max_sessions_per_client = 256;
  std::string session_idle_timeout = "30m";
  std::size_t body_limit = 10 * 1024 * 1024;
};

Result<std::string> read_params(const McpFlags& f) {
  if (!f.runtime.params.empty() && !f.params_file.empty())
    return Error{ErrorKind::invalid, "give --params or --params-file, not both"};
  if (!f.params_file.empty()) {
    std::ifstream in(f.params_file);
    if (!in) return Error{ErrorKind::invalid, "--params-file: cannot read " + f.params_file};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  return f.runtime.params;
}

int run_mcp(McpFlags f) {
  auto log_settings = log_settings_from_env();
  if (!log_settings) {
    std::cerr << "kaos mcp: " << log_settings.error().message << "\n";
    return 2;
  }
  auto params = read_params(f);
  if (!params) {
    std::cerr << "kaos mcp: " << params.error().message << "\n";
    return 2;
  }
  f.runtime.params = std::move(*params);
  auto idle = parse_duration(f.session_idle_timeout);
  if (!idle || idle->count() <= 0) {
    std::cerr << "kaos mcp: --session-idle-timeout: expected a duration such as 30m or 90s, got '"
              << f.session_idle_timeout << "'\n";
    return 2;
  }
  auto runtime = mcp::make_runtime(f.runtime);
  if (!runtime) {
    std::cerr << "kaos mcp: " << runtime.error().message << "\n";
    return 2;
  }
  init_logging(*log_settings, "mcp");

  mcp::TransportOptions transport;
  transport.max_sessions = f.max_sessions;
  transport.max_sessions_per_client = f.max_sessions_per_client;
  transport.session_idle_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*idle);

  net::ServerOptions server;
  server.host = f.host;
  server.port = f.port;
  server.body_limit = f.body_limit;

  std::shared_ptr<mcp::McpRuntime> rt = std::move(*runtime);
  net::ServerHooks hooks;
  hooks.startup = [rt]() { return rt->start(); };
  hooks.on_listening = [host = f.host](std::uint16_t port) {
    spdlog::info("kaos mcp listening on {}:{}", host, port);
    std::cout << "kaos mcp listening on http://" << host << ":" << port << std::endl;
  };
  hooks.on_shutdown = [rt] { rt->stop(); };
  // run_server owns the runtime from here: it releases the hooks and the router factory while
  // its io_context still exists, and the runtime's I/O objects must die before that context.
  net::BrowserSafetyOptions browser;
  browser.allowed_origins = f.allowed_origins;
  browser.allowed_hosts = f.allowed_hosts;
  auto make_router = [rt, transport, browser, api_key = env_string("MCP_API_KEY").value_or("")](net::Executor ex) {
    auto router = std::make_shared<net::Router>();
    router->use(net::browser_safety_middleware(browser, mcp::http::refusal));
    router->use(net::api_key_middleware(api_key, mcp::http::refusal, "MCP_API_KEY"));
    rt->mount(ex, transport, *router);
    return std::shared_ptr<const net::Router>(router);
  };
  rt.reset();
  return net::run_server(server, f.threads, std::move(make_router), std::move(hooks));
}

}  // namespace

void add_mcp_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<McpFlags>();
  auto* cmd = app.add_subcommand(
      "mcp",
      "Run an MCP server over Streamable HTTP at /mcp (with /health, /ready and /metrics beside it).\n"
      "The runtime supplies the tools:\n"
      "  everything     built-in C++ toolset exercising every MCP capability (echo, add, sleep, and the\n"
      "                 conformance fixtures: content types, logging, progress, sampling, elicitation,\n"
      "                 resources, templates, prompts)\n"
      "  python-string  the Python functions in --params/--params-file or $MCP_TOOLS_STRING (KAOS's\n"
      "                 python-string runtime), each call run in a sandboxed Python worker\n"
      "  stdio          any stdio MCP server: kaos mcp --runtime stdio -- COMMAND ARGS... (one child\n"
      "                 process per MCP session)\n"
      "See docs/mcp.md.");
  cmd->add_option("--runtime,-r", flags->runtime.runtime, "everything | python-string | stdio")->required();
  cmd->add_option("--host", flags->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port,-p", flags->port, "Port to listen on (0 picks a free port)")->capture_default_str();
  cmd->add_option("--threads", flags->threads, "I/O threads (0 = one per core)")->capture_default_str();
  cmd->add_option("--params", flags->runtime.params,
                  "Runtime parameters (python-string: the Python source; default $MCP_TOOLS_STRING)");
  cmd->add_option("--params-file", flags->params_file, "Read the runtime parameters from this file");
  cmd->add_option("--name", flags->runtime.name, "Server name announced in initialize (default: kaos-<runtime>)");
  add_browser_safety_options(*cmd, flags->allowed_origins, flags->allowed_hosts);
  auto* max_sessions =
      cmd->add_option("--max-sessions", flags->max_sessions,
                      "Concurrent MCP sessions; the oldest idle one is ended beyond it (default 10000; "
                      "stdio: 64, one child process each)");
  cmd->add_option("--max-sessions-per-client", flags->max_sessions_per_client,
                  "Sessions one client (peer address) may hold; beyond it its own oldest idle session is "
                  "ended, or initialize gets 429 when none is idle")
      ->envname("MCP_MAX_SESSIONS_PER_CLIENT")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--session-idle-timeout", flags->session_idle_timeout,
                  "End a session after this long without requests or open streams")
      ->capture_default_str();
  cmd->add_option("--page-size", flags->runtime.page_size,
                  "Entries per tools/list, resources/list and prompts/list page (nextCursor beyond)")
      ->capture_default_str();
  cmd->add_option("--body-limit", flags->body_limit, "Largest request body in bytes (larger: 413)")
      ->capture_default_str();
  cmd->add_option("command", flags->runtime.command,
                  "stdio runtime: the MCP server command and its arguments (after --)");
  cmd->footer(
      "python-string settings (environment, so a manifest's spec.container.env can set them):\n"
      "  MCP_TOOL_TIMEOUT_SECONDS (30), MCP_TOOL_MEMORY_MB (512), MCP_PYTHON_WORKERS (1),\n"
      "  MCP_SANDBOX_NETWORK=allow (default: denied), MCP_SANDBOX_WRITABLE_PATHS=/a:/b (default: only a\n"
      "  scratch directory), KAOS_PYTHON_WORKER (path of kaos-python-worker; default: beside kaos).\n"
      "MCP_API_KEY: when set, every route but /health and /ready needs 'Authorization: Bearer <key>'.\n"
      "See docs/mcp-python-string.md and docs/mcp-stdio.md.");
  cmd->callback([flags, max_sessions, &ctx] {
    if (max_sessions->count() > 0) flags->runtime.max_sessions = flags->max_sessions;
    ctx.exit_code = run_mcp(*flags);
  });
}

}  // namespace kaos::cli
