#include "servers/mcp/python/python_string_runtime.hpp"

#include "core/version.hpp"
#include "servers/mcp/python/python_runtime.hpp"
#include "servers/mcp/server.hpp"

namespace kaos::mcp {
namespace {

class PythonStringRuntime final : public McpRuntime {
 public:
  PythonStringRuntime(RuntimeConfig config, PythonRuntimeOptions options)
      : config_(std::move(config)), options_(std::move(options)) {}

  void mount(net::Executor executor, const TransportOptions& transport, net::Router& router) override {
    executor_ = executor;
    ServerInfo info;
    info.name = config_.name;
    info.title = "KAOS python-string tools";
    info.version = std::string(version());
    server_ = std::make_unique<McpServer>(executor, info, transport);
    server_->set_page_size(config_.page_size);
    server_->set_ready(false, "loading the Python tools");
    server_->mount(router);
  }

  net::Task<Result<void>> start() override {
    auto runtime = co_await start_python_runtime(executor_, options_, *server_);
    if (!runtime) co_return runtime.error();
    runtime_ = std::move(*runtime);
    server_->set_sandbox_report(runtime_->sandbox_report());
    server_->set_ready(true);
    co_return Result<void>{};
  }

  void stop() override {
    if (server_) server_->close();
  }

 private:
  RuntimeConfig config_;
  PythonRuntimeOptions options_;
  net::Executor executor_;
  std::unique_ptr<McpServer> server_;
  std::shared_ptr<PythonRuntime> runtime_;  // the tools hold it too
};

}  // namespace

Result<std::shared_ptr<McpRuntime>> make_python_string_runtime(RuntimeConfig config) {
  std::optional<std::string> source;
  if (!config.params.empty()) source = config.params;
  auto options = python_runtime_options_from_env(std::move(source));
  if (!options) return options.error();
  return std::shared_ptr<McpRuntime>(std::make_shared<PythonStringRuntime>(std::move(config), std::move(*options)));
}

}  // namespace kaos::mcp
