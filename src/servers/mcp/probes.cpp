#include "servers/mcp/probes.hpp"

#include "core/json.hpp"

namespace kaos::mcp {

void mount_probes(net::Router& router, std::function<std::optional<std::string>()> not_ready) {
  router.get("/health", [](net::Request&) -> net::Task<net::Response> {
    co_return net::Response::json(200, R"({"status":"healthy"})");
  });
  router.get("/ready", [not_ready = std::move(not_ready)](net::Request&) -> net::Task<net::Response> {
    if (not_ready) {
      if (auto reason = not_ready()) {
        co_return net::Response::json(503, to_json(json::object{{"status", "not ready"}, {"reason", *reason}}));
      }
    }
    co_return net::Response::json(200, R"({"status":"ready"})");
  });
}

}  // namespace kaos::mcp
