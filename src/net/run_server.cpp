// run_server: io_context + worker threads + signals → graceful shutdown.
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <thread>

#include "net/background.hpp"
#include "net/detail/beast.hpp"
#include "net/server.hpp"

namespace kaos::net {

using namespace detail;

namespace {
// A server holds a descriptor per client plus its upstream connections; the common soft limit
// of 1024 would cap it near 500 streaming clients. Raise the soft limit to the hard one, as
// nginx's worker_rlimit_nofile does; failing to is not fatal.
void raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) spdlog::warn("net: could not raise the open-file limit");
}

// Drains the server, then stops the loop, also when the shutdown throws (spawn_background logs it).
Task<void> shutdown_then_stop(Server& server, asio::io_context& ioc) {
  struct StopOnExit {
    asio::io_context& ioc;
    ~StopOnExit() { ioc.stop(); }
  } stop{ioc};
  co_await server.shutdown();
}
}  // namespace

int run_server(ServerOptions options, unsigned threads,
               std::function<std::shared_ptr<const Router>(Executor)> make_router, ServerHooks hooks) {
  raise_open_file_limit();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(static_cast<int>(threads));
  options.single_thread = threads == 1;
  int exit_code = 0;
  {
    auto router = make_router(ioc.get_executor());
    Server server(ioc.get_executor(), options, std::move(router));
    asio::signal_set signals(ioc, SIGINT, SIGTERM);  // before listening: a signal right after is handled
    bool stopping = false;
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      stopping = true;
      spdlog::info("net: signal {} received, shutting down", signo);
      if (hooks.on_shutdown) hooks.on_shutdown();
      spawn_background(ioc.get_executor(), shutdown_then_stop(server, ioc), "net: graceful shutdown");
    });
    // Startup and listening run on the io_context so a startup step can use its executor.
    asio::co_spawn(
        ioc,
        [&]() -> Task<void> {
          if (hooks.startup) {
            auto started = co_await hooks.startup();
            if (!started) {
              spdlog::error("{}", started.error().message);
              exit_code = 1;
              ioc.stop();
              co_return;
            }
          }
          if (stopping) co_return;
          if (auto r = server.listen(); !r) {
            spdlog::error("{}", r.error().message);
            exit_code = 1;
            ioc.stop();
            co_return;
          }
          server.start();
          if (hooks.on_listening) hooks.on_listening(server.port());
        },
        [&](std::exception_ptr e) {
          if (!e) return;
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            spdlog::error("net: startup failed: {}", ex.what());
          }
          exit_code = 1;
          ioc.stop();
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
    // Release what the hooks and the router factory captured while the io_context still
    // exists: their destructors may still touch its executor (cancel timers, post cleanup).
    hooks = {};
    make_router = nullptr;
  }
  return exit_code;
}

}  // namespace kaos::net
