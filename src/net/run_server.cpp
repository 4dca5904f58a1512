// run_server: io_context + worker threads + signals → graceful shutdown.
#include <spdlog/spdlog.h>

#include <thread>

#include "net/detail/beast.hpp"
#include "net/server.hpp"

namespace kaos::net {

using namespace detail;

int run_server(ServerOptions options, unsigned threads,
               std::function<std::shared_ptr<const Router>(Executor)> make_router,
               std::function<void(std::uint16_t)> on_listening) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(static_cast<int>(threads));
  options.single_thread = threads == 1;
  int exit_code = 0;
  {
    auto router = make_router(ioc.get_executor());
    Server server(ioc.get_executor(), options, std::move(router));
    if (auto r = server.listen(); !r) {
      spdlog::error("{}", r.error().message);
      return 1;
    }
    asio::signal_set signals(ioc, SIGINT, SIGTERM);  // before on_listening: a signal right after is handled
    server.start();
    if (on_listening) on_listening(server.port());
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      spdlog::info("net: signal {} received, shutting down", signo);
      asio::co_spawn(ioc, server.shutdown(), [&](std::exception_ptr) { ioc.stop(); });
    });
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    try {
      ioc.run();
    } catch (const std::exception& e) {
      spdlog::error("net: event loop failed: {}", e.what());
      ioc.stop();
      exit_code = 1;
    }
    for (auto& t : pool) t.join();
  }
  return exit_code;
}

}  // namespace kaos::net
