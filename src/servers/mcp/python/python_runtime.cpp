// PythonRuntime: a fixed number of worker slots on one strand. A call takes a slot with a live
// worker, or starts a worker in an empty slot (the first at startup, the others on demand, and
// after a worker was lost), or waits in a bounded FIFO queue with a deadline until a released
// slot is handed to it. A full queue or a passed deadline is a "busy" tool error, so one
// spinning tool delays the others by at most the queue deadline. A worker that is no longer
// healthy (timeout, crash, cancellation, MemoryError) is dropped on release.
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

#include "servers/mcp/python/owned_dirs.hpp"
#include "servers/mcp/python/worker_process.hpp"
#include "servers/mcp/server.hpp"

namespace kaos::mcp {
namespace asio = boost::asio;

struct PythonRuntime::Impl : std::enable_shared_from_this<PythonRuntime::Impl> {
  struct Slot {
    std::unique_ptr<python::detail::WorkerProcess> worker;
    bool busy = false;
  };
  // A queued call. release() hands it a slot directly (so a newer call cannot overtake it)
  // and cancels the timer to wake it; the timer otherwise fires at the queue deadline.
  struct Waiter {
    explicit Waiter(const asio::strand<net::Executor>& strand, std::chrono::steady_clock::time_point deadline)
        : timer(strand, deadline) {}
    asio::steady_timer timer;
    std::optional<std::size_t> slot;
  };

  Impl(net::Executor executor, python::detail::WorkerConfig config, const PythonRuntimeOptions& options)
      : strand(asio::make_strand(executor)),
        config(std::move(config)),
        call_timeout(options.call_timeout),
        queue_limit(options.queue_limit),
        queue_timeout(options.queue_timeout),
        slots(options.workers) {}

  asio::strand<net::Executor> strand;
  python::detail::WorkerConfig config;
  std::chrono::milliseconds call_timeout;
  std::size_t queue_limit;
  std::chrono::milliseconds queue_timeout;
  std::vector<Slot> slots;                      // fixed size: indexes stay valid
  std::deque<std::shared_ptr<Waiter>> waiters;  // FIFO
  json::array tool_specs;
  json::object sandbox;
  std::atomic<std::size_t> started{0};
  std::atomic<std::size_t> waiting{0};

  net::Task<Result<std::unique_ptr<python::detail::WorkerProcess>>> start_worker() {
    auto worker = co_await python::detail::WorkerProcess::start(strand, config);
    if (worker) ++started;
    co_return worker;
  }

  // Starts the first slot's worker: it validates the source and describes the runtime. The
  // other slots start a worker when a call finds no idle one (acquire).
  net::Task<Result<void>> start_first() {
    auto worker = co_await start_worker();
    if (!worker) co_return worker.error();
    tool_specs = (*worker)->tools();
    sandbox = (*worker)->sandbox_report();
    slots.front().worker = std::move(*worker);
    co_return Result<void>();
  }

  // An idle slot with a live worker, else an empty one, marked busy; nullopt when all are busy.
  std::optional<std::size_t> take_free_slot() {
    std::optional<std::size_t> empty;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].busy) continue;
      if (slots[i].worker) {
        slots[i].busy = true;
        return i;
      }
      if (!empty) empty = i;
    }
    if (empty) slots[*empty].busy = true;
    return empty;
  }

  // Gives a taken slot a worker when it has none (first use, or its worker was lost).
  net::Task<Result<std::size_t>> fill(std::size_t i) {
    if (slots[i].worker) co_return i;
    auto worker = co_await start_worker();
    if (!worker) {
      release(i);
      co_return worker.error();
    }
    slots[i].worker = std::move(*worker);
    co_return i;
  }

  std::string busy_message(bool deadline) const {
    std::string running = std::to_string(slots.size()) + (slots.size() == 1 ? " call is" : " calls are");
    if (deadline) {
      return "busy: waited " + python::detail::describe_seconds(queue_timeout) +
             " (MCP_PYTHON_QUEUE_TIMEOUT_SECONDS) " + "while " + running + " running in all " +
             std::to_string(slots.size()) +
             " Python workers; retry later, or raise MCP_PYTHON_WORKERS or MCP_PYTHON_QUEUE_TIMEOUT_SECONDS";
    }
    return "busy: " + running + " running and " + std::to_string(waiters.size()) +
           " waiting, the most allowed (MCP_PYTHON_QUEUE=" + std::to_string(queue_limit) +
           "); retry later, or raise MCP_PYTHON_WORKERS or MCP_PYTHON_QUEUE";
  }

  net::Task<Result<std::size_t>> acquire() {
    if (auto free = take_free_slot()) co_return co_await fill(*free);
    if (waiters.size() >= queue_limit) co_return Error{ErrorKind::unavailable, busy_message(false)};
    auto waiter = std::make_shared<Waiter>(strand, std::chrono::steady_clock::now() + queue_timeout);
    waiters.push_back(waiter);
    waiting = waiters.size();
    auto [ec] = co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (waiter->slot) co_return co_await fill(*waiter->slot);  // handed over, even if it raced
    waiters.erase(std::find(waiters.begin(), waiters.end(), waiter));
    waiting = waiters.size();
    if (ec == asio::error::operation_aborted)
      co_return Error{ErrorKind::cancelled, "cancelled while waiting for a free worker"};
    co_return Error{ErrorKind::unavailable, busy_message(true)};
  }

  void release(std::size_t i) {
    slots[i].busy = false;
    if (slots[i].worker && !slots[i].worker->healthy()) {
      spdlog::info("python-string: replacing worker {} (it timed out, crashed, was cancelled or ran out of memory)",
                   slots[i].worker->pid());
      slots[i].worker.reset();  // kills and reaps it, removes its scratch directory
    }
    if (waiters.empty()) return;
    auto next = waiters.front();
    waiters.pop_front();
    waiting = waiters.size();
    slots[i].busy = true;
    next->slot = i;
    next->timer.cancel();
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
  if (options.queue_timeout.count() <= 0)
    co_return Error::invalid("python-string: the queue timeout (MCP_PYTHON_QUEUE_TIMEOUT_SECONDS) must be positive");
  // Scratch directories of servers that died without cleaning up (kill -9, a crash).
  if (auto swept = python::remove_stale_owned_dirs(python::scratch_base(), "kaos-python"))
    spdlog::info("python-string: removed {} scratch directories left by stopped servers", swept);
  python::detail::WorkerConfig config;
  config.worker_path = resolve_python_worker_path(options);
  config.source = std::move(options.source);
  config.source_name = std::move(options.source_name);
  config.memory_limit_mb = options.memory_limit_mb;
  config.allow_network = options.allow_network;
  config.writable_paths = std::move(options.writable_paths);
  config.sandbox = options.sandbox;
  config.startup_timeout = std::max<std::chrono::milliseconds>(std::chrono::seconds(60), options.call_timeout);

  auto impl = std::make_shared<Impl>(executor, std::move(config), options);
  auto started = co_await asio::co_spawn(impl->strand, impl->start_first(), asio::use_awaitable);
  if (!started) co_return started.error();

  const auto& s = impl->sandbox;
  spdlog::info(
      "python-string: {} tools, up to {} workers, {} calls queued for up to {} (timeout {}, memory {} MiB, "
      "network {}); sandbox: {}",
      impl->tool_specs.size(), options.workers, options.queue_limit,
      python::detail::describe_seconds(options.queue_timeout), python::detail::describe_seconds(options.call_timeout),
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

std::size_t PythonRuntime::calls_waiting() const {
  return impl_->waiting.load();
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
