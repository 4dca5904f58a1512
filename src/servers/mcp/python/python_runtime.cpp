// PythonRuntime: a fixed number of worker slots on one strand. A call takes a slot with a live
// worker, or starts a worker in an empty slot (at startup, and after a worker was lost), or
// waits in FIFO order until a slot is released. A worker that is no longer healthy (timeout,
// crash, cancellation, MemoryError) is dropped on release, which empties its slot.
#include "servers/mcp/python/python_runtime.hpp"

#include <algorithm>
#include <atomic>
#include <deque>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "servers/mcp/python/worker_process.hpp"
#include "servers/mcp/server.hpp"

namespace kaos::mcp {
namespace asio = boost::asio;

struct PythonRuntime::Impl : std::enable_shared_from_this<PythonRuntime::Impl> {
  struct Slot {
    std::unique_ptr<python::detail::WorkerProcess> worker;
    bool busy = false;
  };

  Impl(net::Executor executor, python::detail::WorkerConfig config, unsigned workers, std::chrono::milliseconds timeout)
      : strand(asio::make_strand(executor)), config(std::move(config)), call_timeout(timeout), slots(workers) {}

  asio::strand<net::Executor> strand;
  python::detail::WorkerConfig config;
  std::chrono::milliseconds call_timeout;
  std::vector<Slot> slots;                                  // fixed size: indexes stay valid
  std::deque<std::shared_ptr<asio::steady_timer>> waiters;  // FIFO; cancelled to wake
  json::array tool_specs;
  json::object sandbox;
  std::atomic<std::size_t> started{0};

  net::Task<Result<std::unique_ptr<python::detail::WorkerProcess>>> start_worker() {
    auto worker = co_await python::detail::WorkerProcess::start(strand, config);
    if (worker) ++started;
    co_return worker;
  }

  // Starts every slot's worker; the first one's tools and sandbox report describe the runtime.
  net::Task<Result<void>> start_all() {
    for (auto& slot : slots) {
      auto worker = co_await start_worker();
      if (!worker) co_return worker.error();
      if (tool_specs.empty()) {
        tool_specs = (*worker)->tools();
        sandbox = (*worker)->sandbox_report();
      }
      slot.worker = std::move(*worker);
    }
    co_return Result<void>();
  }

  net::Task<Result<std::size_t>> acquire() {
    for (;;) {
      for (std::size_t i = 0; i < slots.size(); ++i) {
        if (!slots[i].busy && slots[i].worker) {
          slots[i].busy = true;
          co_return i;
        }
      }
      for (std::size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].busy) continue;
        slots[i].busy = true;  // empty slot: replace the lost worker
        auto worker = co_await start_worker();
        if (!worker) {
          release(i);
          co_return worker.error();
        }
        slots[i].worker = std::move(*worker);
        co_return i;
      }
      auto waiter = std::make_shared<asio::steady_timer>(strand, asio::steady_timer::time_point::max());
      waiters.push_back(waiter);
      co_await waiter->async_wait(asio::as_tuple(asio::use_awaitable));
      // release() removes the waiter it wakes; still queued means we were cancelled.
      if (auto it = std::find(waiters.begin(), waiters.end(), waiter); it != waiters.end()) {
        waiters.erase(it);
        co_return Error{ErrorKind::cancelled, "cancelled while waiting for a free worker"};
      }
    }
  }

  void release(std::size_t i) {
    slots[i].busy = false;
    if (slots[i].worker && !slots[i].worker->healthy()) {
      spdlog::info("python-string: replacing worker {} (it timed out, crashed or ran out of memory)",
                   slots[i].worker->pid());
      slots[i].worker.reset();  // kills and reaps it, removes its scratch directory
    }
    if (!waiters.empty()) {
      waiters.front()->cancel();
      waiters.pop_front();
    }
  }

  net::Task<ToolResult> call_on_strand(std::string name, json::object arguments) {
    auto self = shared_from_this();
    auto slot = co_await acquire();
    if (!slot) {
      co_return ToolResult::error("tool '" + name + "' could not run: " + slot.error().message);
    }
    struct Release {  // also when the call is abandoned by an exception
      Impl* impl;
      std::size_t slot;
      ~Release() { impl->release(slot); }
    } guard{this, *slot};
    co_return co_await slots[*slot].worker->call(name, arguments, call_timeout);
  }
};

namespace {

net::Task<ToolResult> run_tool(std::shared_ptr<PythonRuntime::Impl> impl, std::string name, json::object arguments) {
  auto strand = impl->strand;
  co_return co_await asio::co_spawn(strand, impl->call_on_strand(std::move(name), std::move(arguments)),
                                    asio::use_awaitable);
}

}  // namespace

PythonRuntime::PythonRuntime(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
PythonRuntime::~PythonRuntime() = default;

net::Task<Result<std::shared_ptr<PythonRuntime>>> PythonRuntime::start(net::Executor executor,
                                                                       PythonRuntimeOptions options) {
  if (options.workers == 0) co_return Error::invalid("python-string: workers must be at least 1");
  if (options.call_timeout.count() <= 0) co_return Error::invalid("python-string: the call timeout must be positive");
  python::detail::WorkerConfig config;
  config.worker_path = resolve_python_worker_path(options);
  config.source = std::move(options.source);
  config.source_name = std::move(options.source_name);
  config.memory_limit_mb = options.memory_limit_mb;
  config.allow_network = options.allow_network;
  config.writable_paths = std::move(options.writable_paths);
  config.startup_timeout = std::max<std::chrono::milliseconds>(std::chrono::seconds(60), options.call_timeout);

  auto impl = std::make_shared<Impl>(executor, std::move(config), options.workers, options.call_timeout);
  auto started = co_await asio::co_spawn(impl->strand, impl->start_all(), asio::use_awaitable);
  if (!started) co_return started.error();

  const auto& s = impl->sandbox;
  spdlog::info("python-string: {} tools in {} workers (timeout {}, memory {} MiB, network {}); sandbox: {}",
               impl->tool_specs.size(), options.workers, python::detail::describe_seconds(options.call_timeout),
               impl->config.memory_limit_mb, impl->config.allow_network ? "allowed" : "denied", to_json(s));
  if (auto* warnings = find_field(s, "warnings"); warnings && warnings->is_array()) {
    for (const auto& w : warnings->as_array()) {
      if (w.is_string()) spdlog::warn("python-string sandbox: {}", std::string_view(w.as_string()));
    }
  }
  co_return std::shared_ptr<PythonRuntime>(new PythonRuntime(std::move(impl)));
}

std::vector<Tool> PythonRuntime::tools() {
  std::vector<Tool> out;
  for (const auto& spec : impl_->tool_specs) {
    const json::object& o = spec.as_object();
    Tool tool;
    tool.name = std::string(string_field(o, "name").value_or(""));
    tool.description = std::string(string_field(o, "description").value_or(""));
    if (auto* schema = find_field(o, "inputSchema"); schema && schema->is_object())
      tool.input_schema = schema->as_object();
    tool.handler = [impl = impl_, name = tool.name](const json::object& arguments, CallContext&) {
      return run_tool(impl, name, arguments);
    };
    out.push_back(std::move(tool));
  }
  return out;
}

net::Task<ToolResult> PythonRuntime::call(std::string name, json::object arguments) {
  return run_tool(impl_, std::move(name), std::move(arguments));
}

json::object PythonRuntime::sandbox_report() const {
  return impl_->sandbox;
}

std::size_t PythonRuntime::workers_started() const {
  return impl_->started.load();
}

net::Task<Result<std::shared_ptr<PythonRuntime>>> start_python_runtime(net::Executor executor,
                                                                       PythonRuntimeOptions options,
                                                                       McpServer& server) {
  auto runtime = co_await PythonRuntime::start(executor, std::move(options));
  if (!runtime) co_return runtime.error();
  for (auto& tool : (*runtime)->tools()) server.add_tool(std::move(tool));
  co_return runtime;
}

}  // namespace kaos::mcp
