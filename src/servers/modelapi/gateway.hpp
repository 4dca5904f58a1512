#pragma once
// The gateway's HTTP surface: builds the net::Router for `kaos modelapi`.
//
// Routes: POST /v1/chat/completions, /chat/completions; POST /v1/embeddings, /embeddings;
// GET /v1/models, /models; GET /health/liveliness, /health/readiness, /health, /ready;
// GET /metrics. Thread model: handlers run on their connection's strand (net::Server); the
// shared state (router, metrics, HTTP client pool) is thread-safe.
#include <memory>

#include "net/browser_safety.hpp"
#include "net/client.hpp"
#include "net/router.hpp"
#include "servers/modelapi/config.hpp"

namespace kaos::modelapi {

struct GatewayOptions {
  GatewayConfig config;
  net::ClientOptions client;          ///< upstream connection pool, TLS
  net::BrowserSafetyOptions browser;  ///< Host/Origin/JSON rules (net/browser_safety.hpp)
};

/// Builds the router; `executor` is the server's (upstream calls run on the caller's strand).
std::shared_ptr<const net::Router> make_gateway_router(GatewayOptions options, net::Executor executor);

}  // namespace kaos::modelapi
