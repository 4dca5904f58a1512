#include "servers/mcp/runtime.hpp"

#include "core/version.hpp"
#include "servers/mcp/everything/everything.hpp"
#include "servers/mcp/python/python_string_runtime.hpp"
#include "servers/mcp/server.hpp"
#include "servers/mcp/stdio/stdio_runtime.hpp"

namespace kaos::mcp {
namespace {

/// A native server whose tools come from the built-in toolset.
class EverythingRuntime final : public McpRuntime {
 public:
  explicit EverythingRuntime(RuntimeConfig config) : config_(std::move(config)) {}

  void mount(net::Executor executor, const TransportOptions& transport, net::Router& router) override {
    ServerInfo info;
    info.name = config_.name;
    info.title = "KAOS everything toolset";
    info.version = std::string(version());
    info.instructions = "A test and demo server: every MCP capability has a tool, resource or prompt here.";
    server_ = std::make_unique<McpServer>(executor, info, transport);
    server_->set_page_size(config_.page_size);
    add_everything_toolset(*server_);
    server_->mount(router);
  }
  Task<Result<void>> start() override { co_return Result<void>{}; }
  void stop() override {
    if (server_) server_->close();
  }

 private:
  RuntimeConfig config_;
  std::unique_ptr<McpServer> server_;
};

}  // namespace

std::vector<std::string> runtime_names() {
  return {"everything", "python-string", "stdio"};
}

Result<std::shared_ptr<McpRuntime>> make_runtime(RuntimeConfig config) {
  if (config.name.empty()) config.name = "kaos-" + config.runtime;
  if (config.page_size == 0) return Error{ErrorKind::invalid, "--page-size must be at least 1"};
  if (config.runtime != "stdio" && !config.command.empty()) {
    return Error{ErrorKind::invalid, "a command after -- is only used by --runtime stdio"};
  }
  if (config.runtime == "everything")
    return std::shared_ptr<McpRuntime>(std::make_shared<EverythingRuntime>(std::move(config)));
  if (config.runtime == "python-string") return make_python_string_runtime(std::move(config));
  if (config.runtime == "stdio") return make_stdio_runtime(std::move(config));
  std::string names;
  for (const auto& n : runtime_names()) names += (names.empty() ? "" : ", ") + n;
  return Error{ErrorKind::invalid,
               "--runtime: unknown runtime '" + config.runtime + "' (choose one of: " + names + ")"};
}

}  // namespace kaos::mcp
