#include "servers/mcp/server.hpp"

#include <atomic>
#include <optional>

#include "protocol/mcp/mcp.hpp"
#include "servers/mcp/catalog.hpp"
#include "servers/mcp/native_session.hpp"
#include "servers/mcp/probes.hpp"
#include "telemetry/metrics.hpp"

namespace kaos::mcp {

using detail::Catalog;
using detail::NativeSession;

struct McpServer::Impl {
  std::shared_ptr<Catalog> catalog = std::make_shared<Catalog>();
  std::unique_ptr<StreamableHttpTransport> transport;
  std::mutex ready_mu;
  bool ready = true;
  std::string not_ready_reason;
  std::optional<json::object> sandbox;  // guarded by ready_mu

  void broadcast(std::string_view method) {
    auto message = jsonrpc::notification_json(method);
    catalog->for_each_session([&](NativeSession& s) { s.outbound().send(message, nullptr); });
  }
};

McpServer::McpServer(net::Executor executor, ServerInfo info, TransportOptions transport)
    : impl_(std::make_shared<Impl>()) {
  impl_->catalog->info = std::move(info);
  std::weak_ptr<Catalog> weak = impl_->catalog;
  impl_->transport = std::make_unique<StreamableHttpTransport>(
      executor, std::move(transport),
      [weak](const jsonrpc::Message&, std::shared_ptr<Outbound> outbound) -> Result<std::shared_ptr<SessionHandler>> {
        auto catalog = weak.lock();
        if (!catalog) return Error{ErrorKind::io, "the MCP server is shutting down"};
        auto session = std::make_shared<NativeSession>(catalog, std::move(outbound));
        catalog->add_session(session);
        return std::shared_ptr<SessionHandler>(session);
      });
}

McpServer::~McpServer() {
  close();
}

void McpServer::add_tool(Tool tool) {
  {
    std::unique_lock lock(impl_->catalog->mu);
    auto& tools = impl_->catalog->tools;
    auto shared = std::make_shared<const Tool>(std::move(tool));
    auto it = std::find_if(tools.begin(), tools.end(), [&](const auto& t) { return t->name == shared->name; });
    if (it != tools.end())
      *it = std::move(shared);
    else
      tools.push_back(std::move(shared));
  }
  impl_->broadcast("notifications/tools/list_changed");
}

bool McpServer::remove_tool(std::string_view name) {
  bool removed = false;
  {
    std::unique_lock lock(impl_->catalog->mu);
    removed = std::erase_if(impl_->catalog->tools, [&](const auto& t) { return t->name == name; }) > 0;
  }
  if (removed) impl_->broadcast("notifications/tools/list_changed");
  return removed;
}

void McpServer::add_resource(Resource resource) {
  {
    std::unique_lock lock(impl_->catalog->mu);
    impl_->catalog->resources.push_back(std::make_shared<const Resource>(std::move(resource)));
  }
  impl_->broadcast("notifications/resources/list_changed");
}

void McpServer::add_resource_template(ResourceTemplate resource_template) {
  {
    std::unique_lock lock(impl_->catalog->mu);
    impl_->catalog->templates.push_back(std::make_shared<const ResourceTemplate>(std::move(resource_template)));
  }
  impl_->broadcast("notifications/resources/list_changed");
}

void McpServer::add_prompt(Prompt prompt) {
  {
    std::unique_lock lock(impl_->catalog->mu);
    impl_->catalog->prompts.push_back(std::make_shared<const Prompt>(std::move(prompt)));
  }
  impl_->broadcast("notifications/prompts/list_changed");
}

void McpServer::notify_resource_updated(std::string_view uri) {
  auto message = jsonrpc::notification_json("notifications/resources/updated", json::object{{"uri", uri}});
  impl_->catalog->for_each_session([&](NativeSession& s) {
    if (s.subscribed(uri)) s.outbound().send(message, nullptr);
  });
}

void McpServer::set_page_size(std::size_t n) {
  std::unique_lock lock(impl_->catalog->mu);
  impl_->catalog->page_size = std::max<std::size_t>(n, 1);
}

void McpServer::set_ready(bool ready, std::string reason) {
  std::lock_guard lock(impl_->ready_mu);
  impl_->ready = ready;
  impl_->not_ready_reason = std::move(reason);
}

void McpServer::set_sandbox_report(json::object report) {
  std::vector<std::string> missing;
  if (auto* list = find_field(report, "missing"); list && list->is_array()) {
    for (const auto& m : list->as_array()) {
      if (m.is_string()) missing.emplace_back(m.as_string());
    }
  }
  impl_->catalog->metrics.set_sandbox_missing(missing);
  std::lock_guard lock(impl_->ready_mu);
  impl_->sandbox = std::move(report);
}

void McpServer::mount(net::Router& router) {
  impl_->transport->mount(router);
  auto impl = impl_;
  mount_probes(
      router,
      [impl]() -> std::optional<std::string> {
        std::lock_guard lock(impl->ready_mu);
        if (impl->ready) return std::nullopt;
        return impl->not_ready_reason;
      },
      [impl]() -> json::object {
        std::lock_guard lock(impl->ready_mu);
        if (!impl->sandbox) return {};
        return {{"sandbox", *impl->sandbox}};
      });
  router.get("/metrics", [impl](net::Request&) -> Task<net::Response> {
    co_return net::Response::text(200, impl->catalog->metrics.render(impl->transport->stats()),
                                  telemetry::kPrometheusContentType);
  });
}

void McpServer::close() {
  if (impl_ && impl_->transport) impl_->transport->close_all();
}

}  // namespace kaos::mcp
