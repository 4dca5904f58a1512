#include "servers/mcp/stdio/stdio_bridge.hpp"

#include <filesystem>

#include "net/process.hpp"
#include "servers/mcp/stdio/stdio_session.hpp"

namespace kaos::mcp {

Result<void> check_stdio_command(const StdioBridgeOptions& options) {
  if (options.command.empty()) {
    return Error::invalid(
        "the stdio runtime needs the MCP server's command after --, e.g. "
        "`kaos mcp --runtime stdio -- npx -y @modelcontextprotocol/server-filesystem /data`");
  }
  if (options.max_sessions == 0) return Error::invalid("stdio bridge: max_sessions must be at least 1");
  if (!options.working_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.working_dir, ec)) {
      return Error::invalid("stdio bridge: working directory '" + options.working_dir + "' does not exist");
    }
  }
  net::ProcessOptions p;
  p.argv = options.command;
  p.env = options.env;
  auto found = net::find_program(p);
  if (!found) return found.error().reworded("stdio MCP server: " + found.error().message);
  return {};
}

SessionFactory make_stdio_bridge(net::Executor executor, StdioBridgeOptions options,
                                 std::shared_ptr<StdioBridgeStats> stats) {
  auto shared = std::make_shared<stdio_detail::BridgeShared>();
  shared->options = std::move(options);
  shared->stats = stats ? std::move(stats) : std::make_shared<StdioBridgeStats>();
  return [executor, shared](const jsonrpc::Message& /*initialize*/,
                            std::shared_ptr<Outbound> outbound) -> Result<std::shared_ptr<SessionHandler>> {
    auto session = stdio_detail::StdioSession::start(executor, shared, std::move(outbound));
    if (!session) return session.error();
    return std::shared_ptr<SessionHandler>(std::move(*session));
  };
}

}  // namespace kaos::mcp
