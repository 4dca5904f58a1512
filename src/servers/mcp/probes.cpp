#include "servers/mcp/probes.hpp"

#include "core/json.hpp"

namespace kaos::mcp {

void mount_probes(net::Router& router, std::function<std::optional<std::string>()> not_ready,
                  std::function<json::object()> details) {
  router.get("/health", [](net::Request&) -> net::Task<net::Response> {
    co_return net::Response::json(200, R"({"status":"healthy"})");
  });
  router.get(
      "/ready",
      [not_ready = std::move(not_ready), details = std::move(details)](net::Request&) -> net::Task<net::Response> {
        json::object body = details ? details() : json::object{};
        if (not_ready) {
          if (auto reason = not_ready()) {
            body["status"] = "not ready";
            body["reason"] = *reason;
            co_return net::Response::json(503, to_json(body));
          }
        }
        body["status"] = "ready";
        co_return net::Response::json(200, to_json(body));
      });
}

}  // namespace kaos::mcp
