#include "servers/mcp/python/worker_process.hpp"

// GCC 12 false positive: with the coroutine ramp inlined it pairs Asio's frame operator new
// (recycling allocator) with the sized operator delete of the same class and reports a mismatch.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <mutex>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "servers/mcp/python/owned_dirs.hpp"
#include "servers/mcp/python/worker_cgroups.hpp"

namespace kaos::mcp::python::detail {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::vector<std::string> worker_argv(const WorkerConfig& c, const SandboxPolicy& policy, const std::string& scratch) {
  std::vector<std::string> argv{c.worker_path,
                                "--scratch",
                                scratch,
                                "--memory-mb",
                                std::to_string(c.memory_limit_mb),
                                "--scratch-mb",
                                std::to_string(policy.scratch_mb),
                                "--max-processes",
                                std::to_string(policy.max_processes)};
  if (c.allow_network) argv.emplace_back("--allow-network");
  if (policy.strict) argv.emplace_back("--strict");
  for (const auto& p : c.writable_paths) {
    argv.emplace_back("--writable");
    argv.push_back(p);
  }
  for (const auto& p : policy.readable_paths) {
    argv.emplace_back("--readable");
    argv.push_back(p);
  }
  return argv;
}

// Once per server process, before its first worker: cgroups left by workers of a server that
// was killed (their supervisor could not remove them) go.
void sweep_stale_cgroups_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (int n = python_worker::sweep_stale_worker_cgroups(); n > 0) {
      spdlog::info("python-string: removed {} cgroups left by workers of a previous server", n);
    }
  });
}

std::string message_type(const json::object& m) {
  return std::string(string_field(m, "type").value_or(""));
}

}  // namespace

std::string describe_seconds(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms) / 1000.0);
  return buf;
}

WorkerProcess::WorkerProcess(std::shared_ptr<net::Process> process, std::string scratch_dir)
    : process_(std::move(process)), pid_(process_->pid()), scratch_dir_(std::move(scratch_dir)) {}

WorkerProcess::~WorkerProcess() {
  process_.reset();  // kills the process group and reaps it
  // A worker that exited normally removed its cgroup itself; a killed one could not. Its
  // sandboxed tree dies with it (PDEATHSIG, PID namespace) a moment later.
  if (!python_worker::remove_worker_cgroups(pid_, std::chrono::seconds(2))) {
    spdlog::warn("python-string: the cgroup kaos-python-{} still has processes; the next start removes it", pid_);
  }
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir_, ec);
  if (ec) spdlog::warn("python-string: could not remove scratch directory {}: {}", scratch_dir_, ec.message());
}

net::Task<Result<std::unique_ptr<WorkerProcess>>> WorkerProcess::start(net::Executor executor, WorkerConfig config) {
  if (access(config.worker_path.c_str(), X_OK) != 0) {
    co_return Error::not_found("python-string worker '" + config.worker_path + "' is not executable (" +
                               std::strerror(errno) +
                               "); build the kaos-python-worker target next to kaos, or set KAOS_PYTHON_WORKER "
                               "to its path");
  }
  sweep_stale_cgroups_once();
  // Named after this server, so the next one sweeps it if we are killed (owned_dirs.hpp).
  auto scratch = make_owned_dir(scratch_base(), "kaos-python");
  if (!scratch) co_return scratch.error();
  net::ProcessOptions options;
  options.argv = worker_argv(config, config.sandbox, *scratch);
  options.env = {{"TMPDIR", *scratch}};
  options.working_dir = *scratch;
  options.stderr_mode = "inherit";  // print() and tracebacks of tools land in the server's log
  auto spawned = net::Process::spawn(executor, std::move(options));
  if (!spawned) {
    std::error_code ec;
    std::filesystem::remove_all(*scratch, ec);
    co_return Error::io("cannot start the python-string worker: " + spawned.error().message);
  }
  std::unique_ptr<WorkerProcess> worker(
      new WorkerProcess(std::shared_ptr<net::Process>(std::move(*spawned)), *scratch));

  auto ready = co_await worker->read_message(config.startup_timeout);
  if (!ready.message) co_return co_await worker->startup_error(ready, "starting", config.startup_timeout);
  if (message_type(*ready.message) == "refused") {
    co_return Error{ErrorKind::unavailable,
                    std::string(string_field(*ready.message, "message").value_or("the sandbox is incomplete"))};
  }
  if (message_type(*ready.message) != "ready") {
    co_return Error{ErrorKind::protocol, "the python-string worker sent '" + message_type(*ready.message) +
                                             "' instead of 'ready'; is KAOS_PYTHON_WORKER a kaos-python-worker?"};
  }
  if (auto* s = find_field(*ready.message, "sandbox"); s && s->is_object()) worker->sandbox_ = s->as_object();

  json::object load{{"type", "load"}, {"source", config.source}, {"source_name", config.source_name}};
  if (auto sent = co_await worker->process_->write(to_json(load) + "\n"); !sent) {
    co_return Error::io("the python-string worker " + co_await worker->exit_description() +
                        " before it could load the source");
  }
  auto loaded = co_await worker->read_message(config.startup_timeout);
  if (!loaded.message) co_return co_await worker->startup_error(loaded, "loading the source", config.startup_timeout);
  const json::object& reply = *loaded.message;
  if (message_type(reply) == "load_error") {
    co_return Error::invalid(std::string(string_field(reply, "message").value_or("the source failed to load")));
  }
  const json::value* tools = find_field(reply, "tools");
  if (message_type(reply) != "loaded" || !tools || !tools->is_array()) {
    co_return Error{ErrorKind::protocol, "the python-string worker answered the source with a malformed message"};
  }
  worker->tools_ = tools->as_array();
  co_return worker;
}

net::Task<Error> WorkerProcess::startup_error(const Reply& reply, std::string stage,
                                              std::chrono::milliseconds timeout) {
  if (reply.timed_out) {
    co_return Error::timeout("the python-string worker did not finish " + stage + " within " +
                             describe_seconds(timeout) + "; the source may block at import");
  }
  if (reply.message.error().kind == ErrorKind::protocol) co_return reply.message.error();
  co_return Error::io("the python-string worker " + co_await exit_description() + " while " + stage +
                      " (its own message is on stderr above)");
}

net::Task<WorkerProcess::Reply> WorkerProcess::read_message(std::chrono::milliseconds timeout) {
  Reply reply{Error::io("no reply")};
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  // Whichever finishes first wins; the other is cancelled (the read through its slot).
  auto first = co_await (process_->read_line() || timer.async_wait(kUseTuple));
  if (first.index() == 1) {
    healthy_ = false;
    process_->kill(SIGKILL);
    auto [ec] = std::get<1>(first);
    if (ec) {
      reply.message = Error::cancelled();
    } else {
      reply.timed_out = true;
      reply.message = Error::timeout("timed out");
    }
    co_return reply;
  }
  auto& line = std::get<0>(first);
  if (!line || !*line) {
    healthy_ = false;
    reply.message = line ? Error::io("end of output") : line.error();
    co_return reply;
  }
  auto parsed = parse_json(**line);
  if (!parsed || !parsed->is_object()) {
    healthy_ = false;
    process_->kill(SIGKILL);
    reply.message = Error{ErrorKind::protocol, "the python-string worker wrote a line that is not a JSON object"};
    co_return reply;
  }
  reply.message = std::move(parsed->as_object());
  co_return reply;
}

net::Task<std::string> WorkerProcess::exit_description() {
  // The pipe closed, so the worker is exiting; if it merely closed its output, stop it.
  asio::steady_timer grace(co_await asio::this_coro::executor, std::chrono::seconds(2));
  auto first = co_await (process_->wait() || grace.async_wait(kUseTuple));
  if (first.index() == 0) co_return std::get<0>(first).describe();
  process_->kill(SIGKILL);
  co_return "closed its protocol channel (and was stopped)";
}

net::Task<ToolResult> WorkerProcess::call(const std::string& name, const json::object& arguments,
                                          std::chrono::milliseconds timeout) {
  const std::uint64_t id = next_id_++;
  auto cpu_seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count() + 5;
  json::object request{
      {"type", "call"}, {"id", id}, {"name", name}, {"arguments", arguments}, {"cpu_seconds", cpu_seconds}};
  // Unhealthy until a well-formed answer arrives: a call abandoned half-way (cancellation can
  // surface as an exception at any co_await) must not hand a still-running worker to the next
  // call; the pool replaces an unhealthy worker on release.
  healthy_ = false;
  if (auto sent = co_await process_->write(to_json(request) + "\n"); !sent) {
    healthy_ = false;
    co_return ToolResult::error("tool '" + name + "' could not run: its Python worker " + co_await exit_description() +
                                "; a new worker takes the next call");
  }
  auto reply = co_await read_message(timeout);
  if (reply.timed_out) {
    co_return ToolResult::error("tool '" + name + "' timed out after " + describe_seconds(timeout) +
                                " (MCP_TOOL_TIMEOUT_SECONDS); its worker was stopped and a new one takes the "
                                "next call");
  }
  if (!reply.message) {
    const Error& e = reply.message.error();
    if (e.kind == ErrorKind::cancelled)
      co_return ToolResult::error("tool '" + name + "' was cancelled; its worker was stopped");
    if (e.kind == ErrorKind::protocol) co_return ToolResult::error("tool '" + name + "' failed: " + e.message);
    co_return ToolResult::error("tool '" + name + "' crashed: its Python worker " + co_await exit_description() +
                                "; a new worker (with fresh module state) takes the next call");
  }
  const json::object& m = *reply.message;
  const json::value* content = find_field(m, "content");
  if (message_type(m) != "result" || int_field(m, "id") != static_cast<std::int64_t>(id) || !content ||
      !content->is_array()) {
    healthy_ = false;
    co_return ToolResult::error("tool '" + name + "' failed: the Python worker answered with a malformed result");
  }
  healthy_ = true;
  ToolResult result;
  result.content = content->as_array();
  if (auto* structured = find_field(m, "structuredContent"); structured && structured->is_object()) {
    result.structured = *structured;
  }
  result.is_error = bool_field(m, "isError").value_or(false);
  if (bool_field(m, "restart").value_or(false)) healthy_ = false;  // e.g. after MemoryError
  co_return result;
}

}  // namespace kaos::mcp::python::detail
