#include "control/operator/manager.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>

#include "control/operator/controller.hpp"
#include "control/operator/names.hpp"
#include "core/ids.hpp"
#include "k8s/config.hpp"
#include "k8s/discovery.hpp"
#include "k8s/leader_election.hpp"
#include "net/router.hpp"
#include "net/server.hpp"

namespace kaos::control::operator_ {

namespace asio = boost::asio;

bool parse_bind_address(const std::string& text, BindAddress& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  out.host = colon == 0 ? "0.0.0.0" : text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  const long value = std::stol(port);
  if (value > 65535) return false;
  out.port = static_cast<unsigned short>(value);
  return true;
}

namespace {

std::string default_identity(const ManagerOptions& o) {
  if (!o.identity.empty()) return o.identity;
  std::string base;
  if (auto it = o.env.find("POD_NAME"); it != o.env.end() && !it->second.empty()) base = it->second;
  if (base.empty()) {
    char host[256] = {};
    base = gethostname(host, sizeof host - 1) == 0 ? host : "kaos-operator";
  }
  return base + "_" + random_hex(8);
}

struct Servers {
  std::unique_ptr<net::Server> health;
  std::unique_ptr<net::Server> metrics;
};

// /healthz: the process runs. /readyz: it reached the API server and, while it leads, its caches
// are synced (a standby replica is ready: it is waiting, as designed). /metrics: Prometheus.
std::shared_ptr<net::Router> make_router(const std::function<bool()>& ready, OperatorMetrics& metrics,
                                         Controllers*& controllers, bool with_metrics) {
  auto router = std::make_shared<net::Router>();
  router->get("/healthz", [](net::Request&) -> net::Task<net::Response> { co_return net::Response::text(200, "ok"); });
  router->get("/readyz", [ready](net::Request&) -> net::Task<net::Response> {
    co_return ready() ? net::Response::text(200, "ok") : net::Response::text(503, "not ready: caches not synced");
  });
  if (with_metrics) {
    router->get("/metrics", [&metrics, &controllers](net::Request&) -> net::Task<net::Response> {
      if (controllers) controllers->sample_metrics();
      co_return net::Response::text(200, metrics.registry.render_prometheus(), telemetry::kPrometheusContentType);
    });
  }
  return router;
}

Result<void> start_server(std::unique_ptr<net::Server>& out, net::Executor ex, const BindAddress& at,
                          std::shared_ptr<net::Router> router, const char* what) {
  net::ServerOptions o;
  o.host = at.host;
  o.port = at.port;
  o.single_thread = true;
  out = std::make_unique<net::Server>(ex, o, std::move(router));
  if (auto r = out->listen(); !r) return r.error().reworded(std::string(what) + ": " + r.error().message);
  out->start();
  spdlog::info("operator: {} on {}:{}", what, at.host, out->port());
  return {};
}

}  // namespace

struct OperatorRun {
  const ManagerOptions& options;
  OperatorSettings settings;
  k8s::ClusterConfig config;
  asio::io_context ioc{1};
  OperatorMetrics metrics;
  std::unique_ptr<k8s::RestClient> client;
  std::unique_ptr<Controllers> controllers_storage;
  Controllers* controllers = nullptr;
  std::unique_ptr<k8s::LeaderElector> elector;
  bool api_reached = false;
  int exit_code = 0;

  net::Task<void> main() {
    auto version = co_await k8s::server_version(*client);
    if (!version) {
      spdlog::error("operator: cannot reach the API server at {} ({}): {}", config.server, config.source,
                    version.error().message);
      exit_code = 1;
      co_return;
    }
    api_reached = true;
    spdlog::info("operator: API server {} ({})", version->git_version, config.server);
    bool gateway = false;
    if (settings.gateway.enabled) {
      auto present = co_await k8s::has_resource(*client, "gateway.networking.k8s.io/v1", "httproutes");
      gateway = present && *present;
      if (!gateway)
        spdlog::warn(
            "operator: GATEWAY_API_ENABLED is true but the Gateway API (gateway.networking.k8s.io/v1 "
            "httproutes) is not installed: no HTTPRoutes are created; install the Gateway API CRDs and "
            "restart the operator");
    }
    ControllerOptions copts;
    copts.namespaces = options.namespaces;
    copts.workers = options.workers;
    copts.identity = elector ? elector->config().identity : default_identity(options);
    copts.gateway_api_present = gateway;
    if (elector) {
      auto got = co_await elector->acquire();
      if (!got) co_return;  // cancelled while waiting
    }
    metrics.leader.with({}).set(1);
    controllers_storage = std::make_unique<Controllers>(ioc.get_executor(), *client, settings, copts, metrics);
    controllers = controllers_storage.get();
    if (elector) {
      using namespace asio::experimental::awaitable_operators;
      auto which = co_await (controllers->run() || elector->hold());
      if (which.index() == 1) {
        spdlog::error("operator: leadership lost; stopped reconciling; exiting so a restart rejoins the election");
        metrics.leader.with({}).set(0);
        exit_code = 1;
      }
    } else {
      co_await controllers->run();
    }
  }
};

int run_operator(const ManagerOptions& options) {
  auto settings = parse_operator_settings(options.env);
  if (!settings) {
    spdlog::error("operator: invalid configuration:\n{}", settings.error().message);
    return 1;
  }
  auto config = k8s::load_config(options.kubeconfig, options.context);
  if (!config) {
    spdlog::error("operator: no cluster configuration: {}", config.error().message);
    return 1;
  }
  BindAddress health_at, metrics_at;
  if (!parse_bind_address(options.health_address, health_at)) {
    spdlog::error("operator: --health-probe-bind-address {:?}: expected host:port or :port", options.health_address);
    return 1;
  }
  const bool metrics_off = options.metrics_address == "0";
  const bool shared_port = options.metrics_address == options.health_address;
  if (!metrics_off && !shared_port && !parse_bind_address(options.metrics_address, metrics_at)) {
    spdlog::error("operator: --metrics-bind-address {:?}: expected host:port, :port or 0", options.metrics_address);
    return 1;
  }

  OperatorRun run{options, std::move(*settings), std::move(*config)};
  k8s::RestClientOptions ropts;
  ropts.on_request = [&run](const k8s::RequestRecord& r) {
    run.metrics.api_requests.with({r.verb, std::to_string(r.code)}).inc();
  };
  run.client = std::make_unique<k8s::RestClient>(run.ioc.get_executor(), run.config, ropts);
  if (options.leader_elect) {
    std::string ns = options.lease_namespace;
    if (ns.empty()) ns = run.settings.system_namespace;
    run.elector = std::make_unique<k8s::LeaderElector>(
        *run.client, k8s::LeaderElectionConfig{ns, std::string(kLeaseName), default_identity(options),
                                               options.lease_duration, options.renew_deadline, options.retry_period});
  }

  // Ready: the API server answered and either the caches are synced, or this replica is a
  // standby waiting for the Lease (it is doing what it should).
  auto ready = [&run] {
    if (!run.api_reached) return false;
    if (run.controllers) return run.controllers->synced();
    return run.elector != nullptr && !run.elector->leading();
  };
  Servers servers;
  auto ex = run.ioc.get_executor();
  if (auto r =
          start_server(servers.health, ex, health_at,
                       make_router(ready, run.metrics, run.controllers, shared_port && !metrics_off), "health probes");
      !r) {
    spdlog::error("operator: {}", r.error().message);
    return 1;
  }
  if (!metrics_off && !shared_port) {
    if (auto r = start_server(servers.metrics, ex, metrics_at, make_router(ready, run.metrics, run.controllers, true),
                              "metrics");
        !r) {
      spdlog::error("operator: {}", r.error().message);
      return 1;
    }
  }

  asio::cancellation_signal stop;
  asio::signal_set signals(run.ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("operator: signal {} received, stopping", signo);
    stop.emit(asio::cancellation_type::terminal);
  });
  asio::co_spawn(
      run.ioc,
      [&]() -> net::Task<void> {
        try {
          co_await run.main();
        } catch (const boost::system::system_error&) {
          // cancelled by a signal
        }
        co_await asio::this_coro::reset_cancellation_state();  // let the release below run
        if (run.elector) {
          if (auto r = co_await run.elector->release(); !r)
            spdlog::warn("operator: could not release the Lease: {}", r.error().message);
        }
        signals.cancel();
        co_await servers.health->shutdown();
        if (servers.metrics) co_await servers.metrics->shutdown();
        run.ioc.stop();
      },
      asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            spdlog::error("operator: {}", x.what());
          }
          run.exit_code = 1;
          run.ioc.stop();
        }
      }));
  run.ioc.run();
  return run.exit_code;
}

}  // namespace kaos::control::operator_
