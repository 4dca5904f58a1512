#include "control/local/supervisor_main.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "control/local/control_api.hpp"
#include "core/ids.hpp"
#include "net/server.hpp"

namespace kaos::local {

namespace asio = boost::asio;

int run_supervisor(SupervisorOptions options) {
  const auto state = options.state;
  if (auto ok = state.ensure(); !ok) {
    spdlog::error("{}", ok.error().message);
    return 1;
  }
  if (auto other = read_supervisor(state); other && other->pid != ::getpid()) {
    spdlog::error("a local runtime is already running (pid {}, {}); stop it with `kaos down`", other->pid,
                  other->control_url);
    return 1;
  }
  auto token = create_token(state);
  if (!token) {
    spdlog::error("{}", token.error().message);
    return 1;
  }
  asio::io_context ioc(1);
  int code = 0;
  {
    auto supervisor = std::make_unique<Supervisor>(ioc.get_executor(), std::move(options));
    const auto self = ::getpid();
    auto router = make_control_router(*supervisor, *token, [self] { ::kill(self, SIGTERM); });
    net::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.single_thread = true;
    net::Server server(ioc.get_executor(), so, router);
    if (auto l = server.listen(); !l) {
      spdlog::error("control API: {}", l.error().message);
      return 1;
    }
    server.start();
    SupervisorInfo info{self, "http://127.0.0.1:" + std::to_string(server.port()), iso8601_now()};
    if (auto w = write_supervisor(state, info); !w) {
      spdlog::error("{}", w.error().message);
      return 1;
    }
    spdlog::info("local runtime: control API at {} (state {})", info.control_url, state.root);

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      spdlog::info("local runtime: signal {}: stopping every workload", signo);
      asio::co_spawn(
          ioc,
          [&]() -> net::Task<void> {
            co_await supervisor->stop_all();
            co_await server.shutdown();
          },
          [&](std::exception_ptr e) {
            if (e) code = 1;
            ioc.stop();
          });
    });
    ioc.run();
    remove_supervisor(state);
  }
  spdlog::info("local runtime: stopped");
  return code;
}

}  // namespace kaos::local
