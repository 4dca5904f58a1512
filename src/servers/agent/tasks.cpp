#include "servers/agent/tasks.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.hpp"
#include "net/background.hpp"
#include "net/change_signal.hpp"

namespace kaos::agent {

namespace asio = boost::asio;

namespace {
// KAOS's status messages (its TaskManager's), served as status.message.
constexpr std::string_view kProcessing = "Processing";
constexpr std::string_view kAutonomousStarted = "Autonomous execution started";
constexpr std::string_view kDone = "Done";
constexpr std::string_view kCanceledByRequest = "Canceled by request";
constexpr std::string_view kCanceled = "Canceled";  ///< at shutdown
}  // namespace

struct TaskManager::Entry {
  explicit Entry(net::Executor executor) : changed(std::move(executor)) {}
  a2a::Task task;
  asio::cancellation_signal cancel;
  net::ChangeSignal changed;
  bool done = false;  ///< the run finished (whatever the state)
};

/// How a task runs (see tasks.hpp); drive() does the rest.
struct TaskManager::Plan {
  /// Appended to the prompt of later iterations ("Continue working toward the goal. ...").
  std::string_view follow_up_tail;
  std::string_view working_message = kProcessing;  ///< the status message while it runs
  bool iteration_events = false;                   ///< autonomous.iteration.started / .completed around each iteration
  net::Headers headers;                            ///< outbound headers of every iteration
  int depth = 0;
  UsageLimits limits;                         ///< over all iterations: they share one Usage
  std::chrono::milliseconds pause{0};         ///< between iterations
  std::chrono::seconds iteration_timeout{0};  ///< 0: none; a timed-out iteration is logged, the loop goes on
  bool failures_end_task = true;              ///< false: a failed iteration is logged, the loop goes on
  /// The completion rule: what a finished iteration means (it may set the output).
  std::function<Next(Entry&, const RunResult&)> after;
};

namespace {
constexpr std::size_t kPreview = 200;
/// Iteration events stop being recorded past this many events on a task (a continuous or
/// unbounded autonomous task would otherwise grow without end); transitions always are.
constexpr std::size_t kMaxIterationEvents = 1000;

std::string preview(const std::string& s) {
  return s.size() > kPreview ? s.substr(0, kPreview) : s;
}

bool finished(a2a::TaskState s) {
  return a2a::is_terminal(s) || s == a2a::TaskState::input_required;
}

std::string state_word(a2a::TaskState s) {
  return std::string(a2a::state_name(s, a2a::Dialect::kaos));
}
}  // namespace

TaskManager::TaskManager(net::Executor executor, const AgentConfig& config, AgentLoop& loop, AgentMetrics& metrics,
                         TaskStoreOptions options)
    : executor_(std::move(executor)), config_(config), loop_(loop), metrics_(metrics), options_(options) {}

TaskManager::~TaskManager() {
  stop_all();
}

TaskManager::Entry* TaskManager::find(const std::string& id) const {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : it->second.get();
}

void TaskManager::notify(Entry& e) {
  e.changed.notify();
}

void TaskManager::event(Entry& e, std::string type, json::object data) {
  e.task.events.push_back(a2a::TaskEvent{random_hex(12), std::move(type), iso8601_now(), std::move(data)});
}

void TaskManager::transition(Entry& e, a2a::TaskState to, std::string message) {
  auto from = e.task.state;
  if (from == to) return;
  if (!a2a::can_transition(from, to)) {
    spdlog::warn("task {}: invalid transition {} -> {} ignored", e.task.id, state_word(from), state_word(to));
    return;
  }
  e.task.state = to;
  e.task.status_timestamp = iso8601_now();
  e.task.status_message.reset();
  json::object data;
  switch (to) {
    case a2a::TaskState::completed:
      data["output_preview"] = preview(e.task.output);
      break;
    case a2a::TaskState::failed:
      data["error"] = message;
      break;
    default:
      break;
  }
  if (!message.empty()) {
    a2a::Message m;
    m.role = "agent";
    m.text = message;
    m.context_id = e.task.context_id;
    m.task_id = e.task.id;
    e.task.status_message = std::move(m);
  }
  event(e, "task." + state_word(to), std::move(data));
  metrics_.tasks.with({state_word(to), e.task.autonomous ? "true" : "false"}).inc();
  notify(e);
}

void TaskManager::complete(Entry& e) {
  a2a::Message reply;
  reply.role = "agent";
  reply.text = e.task.output;
  reply.context_id = e.task.context_id;
  reply.task_id = e.task.id;
  e.task.history.push_back(std::move(reply));
  transition(e, a2a::TaskState::completed, std::string(kDone));
}

std::size_t task_bytes(const a2a::Task& t) {
  // Text dominates; a fixed cost covers ids, stamps and each event's small data object.
  constexpr std::size_t kPerPart = 256;
  std::size_t n = kPerPart + t.output.size() + to_json(t.metadata).size();
  for (const auto& m : t.history) n += kPerPart + m.text.size();
  if (t.status_message) n += kPerPart + t.status_message->text.size();
  n += t.events.size() * kPerPart;
  return n;
}

void TaskManager::evict_if_full() {
  // Counted afresh at each submit (at most max_tasks entries): running tasks grow as they
  // work, so a running total would drift.
  std::size_t bytes = 0;
  for (const auto& [id, e] : tasks_) bytes += task_bytes(e->task);
  const bool too_many = tasks_.size() >= options_.max_tasks;
  if (!too_many && bytes <= options_.max_bytes) return;
  std::size_t want = too_many ? std::max<std::size_t>(1, options_.max_tasks / 10) : 0;
  for (auto it = order_.begin(); it != order_.end() && (want > 0 || bytes > options_.max_bytes);) {
    auto* e = find(*it);
    if (!e) {
      it = order_.erase(it);
      continue;
    }
    if (a2a::is_terminal(e->task.state)) {
      bytes -= std::min(bytes, task_bytes(e->task));
      tasks_.erase(*it);
      it = order_.erase(it);
      if (want > 0) --want;
    } else {
      ++it;
    }
  }
}

void TaskManager::launch(std::shared_ptr<Entry> e, net::Task<void> work) {
  // co_spawn would run the work inline up to its first suspension (a mock model never
  // suspends): posting first lets the submitter answer before the run has begun.
  auto posted = [](net::Executor ex, net::Task<void> w) -> net::Task<void> {
    co_await asio::post(ex, asio::use_awaitable);
    co_await std::move(w);
  };
  net::spawn_background(executor_, posted(executor_, std::move(work)), "task " + e->task.id, e->cancel.slot());
}

a2a::Task TaskManager::submit(const a2a::SendParams& params, net::Headers outbound_headers, int delegation_depth) {
  evict_if_full();
  auto e = std::make_shared<Entry>(executor_);
  auto& t = e->task;
  t.id = params.task_id.empty() ? random_id("task_", 12) : params.task_id;
  if (find(t.id)) t.id = random_id("task_", 12);  // a client-chosen id never overwrites a task
  t.context_id = params.context_id.empty() ? random_id("session_", 12) : params.context_id;
  t.state = a2a::TaskState::submitted;
  t.status_timestamp = iso8601_now();
  t.metadata = params.metadata;
  t.autonomous = params.autonomous;
  a2a::Message user;
  user.role = "user";
  user.text = params.text;
  user.message_id = params.message_id;
  user.context_id = t.context_id;
  user.task_id = t.id;
  t.history.push_back(std::move(user));
  json::object data;
  data["goal_preview"] = preview(params.text);
  event(*e, "task.submitted", std::move(data));
  metrics_.tasks.with({"submitted", t.autonomous ? "true" : "false"}).inc();
  tasks_[t.id] = e;
  order_.push_back(t.id);
  if (params.autonomous) {
    transition(*e, a2a::TaskState::working, std::string(kAutonomousStarted));
    launch(e, drive(e, autonomous_plan(params.budgets, std::move(outbound_headers), delegation_depth)));
  } else {
    launch(e, run_interactive(e, std::move(outbound_headers), delegation_depth));
  }
  return e->task;  // the run has not begun: launch() posts it
}

std::string TaskManager::start_continuous(const std::string& goal) {
  auto e = std::make_shared<Entry>(executor_);
  auto& t = e->task;
  t.id = random_id("task_", 12);
  t.context_id = "autonomous-" + config_.name;
  t.autonomous = true;
  t.status_timestamp = iso8601_now();
  a2a::Message user;
  user.role = "user";
  user.text = goal;
  t.history.push_back(std::move(user));
  json::object data;
  data["goal_preview"] = preview(goal);
  event(*e, "task.submitted", std::move(data));
  tasks_[t.id] = e;
  order_.push_back(t.id);
  transition(*e, a2a::TaskState::working, std::string(kAutonomousStarted));
  launch(e, drive(e, continuous_plan()));
  return t.id;
}

namespace {
RunRequest run_request(const a2a::Task& t, const std::string& prompt, net::Headers headers, int depth) {
  RunRequest r;
  r.session_id = t.context_id;
  r.prompt = prompt;
  if (auto d = bool_field(t.metadata, "delegation")) r.delegated = *d;
  if (const auto* c = find_field(t.metadata, "context"); c && c->is_array()) r.inbound_context = c->get_array();
  r.outbound_headers = std::move(headers);
  r.delegation_depth = depth;
  return r;
}
}  // namespace

net::Task<void> TaskManager::run_interactive(std::shared_ptr<Entry> e, net::Headers headers, int depth) {
  Plan plan;
  plan.headers = std::move(headers);
  plan.depth = depth;
  plan.limits = loop_.run_limits();
  plan.after = [](Entry& e, const RunResult& r) {
    if (r.failed) return Next::fail;
    e.task.output = r.text;
    return Next::complete;
  };
  co_await drive(e, std::move(plan));
  if (!options_.enabled) tasks_.erase(e->task.id);
}

TaskManager::Plan TaskManager::autonomous_plan(const a2a::Budgets& budgets, net::Headers headers, int depth) {
  Plan plan;
  plan.follow_up_tail = " If the goal is fully achieved, respond with your final answer without making any tool calls.";
  plan.working_message = kAutonomousStarted;
  plan.iteration_events = true;
  plan.headers = std::move(headers);
  plan.depth = depth;
  plan.limits = loop_.run_limits();
  plan.limits.max_iterations = budgets.max_iterations;
  plan.limits.max_runtime_seconds = budgets.max_runtime_seconds;
  plan.limits.max_tool_calls = budgets.max_tool_calls;
  plan.pause = std::chrono::seconds(std::max<std::int64_t>(0, budgets.interval_seconds));
  plan.after = [this](Entry& e, const RunResult& r) {
    if (r.failed) return Next::fail;
    if (r.limit && !r.limit->per_run) {
      auto data = r.limit->data;
      data["reason"] = r.limit->reason;
      event(e, "autonomous.budget.exhausted", std::move(data));
      e.task.output = r.text;  // "Budget exhausted: <reason> (<n>) reached"
      return Next::complete;
    }
    e.task.output = r.text;
    return r.tool_calls == 0 ? Next::complete : Next::again;  // done: an iteration without tool calls
  };
  return plan;
}

TaskManager::Plan TaskManager::continuous_plan() {
  Plan plan;
  plan.working_message = kAutonomousStarted;
  plan.iteration_events = true;
  plan.limits = loop_.run_limits();
  plan.pause = std::max<std::chrono::milliseconds>(std::chrono::seconds(config_.autonomous_interval_seconds),
                                                   options_.continuous_min_interval);
  plan.iteration_timeout = std::chrono::seconds(config_.autonomous_max_iter_runtime_seconds);
  plan.failures_end_task = false;
  plan.after = [](Entry& e, const RunResult& r) {
    e.task.output = r.text;
    return Next::again;
  };
  return plan;
}

net::Task<void> TaskManager::drive(std::shared_ptr<Entry> e, Plan plan) {
  if (a2a::is_terminal(e->task.state)) {  // canceled before its run began
    e->done = true;
    co_return;
  }
  transition(*e, a2a::TaskState::working, std::string(plan.working_message));
  auto session = loop_.new_model_session();
  Usage usage;                // the task's: its limits count across iterations
  std::int64_t finished = 0;  // iterations that returned a result
  for (std::int64_t iteration = 0; !a2a::is_terminal(e->task.state); ++iteration) {
    // Later iterations say "continue toward the goal" and rely on memory for what the goal is.
    // A run writes memory only when it finishes, so until one iteration has finished (the first
    // may time out or fail) the goal itself is sent again; otherwise it would be lost for good.
    auto prompt = finished == 0 ? e->task.history.front().text  // the goal: the task's first message
                                : fmt::format(
                                      "Continue working toward the goal. This is iteration {}. Review your progress "
                                      "and decide next steps.{}",
                                      iteration, plan.follow_up_tail);
    auto r = run_request(e->task, prompt, plan.headers, plan.depth);
    r.model_session = session.get();
    r.usage = &usage;
    r.limits = &plan.limits;
    // An iteration the budgets refuse never starts: it ends the task with
    // autonomous.budget.exhausted instead (KAOS checks the budgets before the iteration).
    const bool announce = plan.iteration_events && e->task.events.size() < kMaxIterationEvents &&
                          !plan.limits.before_run(usage).has_value();
    if (announce) event(*e, "autonomous.iteration.started", json::object{{"iteration", iteration}});
    std::optional<RunResult> result;
    try {
      result = co_await run_iteration(std::move(r), plan.iteration_timeout, iteration);
    } catch (const std::exception& ex) {
      if (a2a::is_terminal(e->task.state)) break;  // canceled meanwhile
      if (plan.failures_end_task) {
        transition(*e, a2a::TaskState::failed, ex.what());
        break;
      }
      const auto* sys = dynamic_cast<const boost::system::system_error*>(&ex);
      if (sys && sys->code() == asio::error::operation_aborted) break;  // shutting down
      spdlog::warn("autonomous iteration {} failed: {}", iteration, ex.what());
    }
    if (a2a::is_terminal(e->task.state)) break;  // canceled meanwhile
    if (result) {
      ++finished;
      if (announce)
        event(*e, "autonomous.iteration.completed",
              json::object{{"iteration", iteration}, {"response_preview", preview(result->text)}});
      auto next = plan.after(*e, *result);
      if (next == Next::fail) {
        transition(*e, a2a::TaskState::failed, result->error);
        break;
      }
      if (next == Next::complete) {
        complete(*e);
        break;
      }
    }
    notify(*e);
    if (plan.pause.count() > 0) {
      asio::steady_timer pause(executor_, plan.pause);
      auto [ec] = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) break;
    }
  }
  e->done = true;
}

net::Task<std::optional<RunResult>> TaskManager::run_iteration(RunRequest r, std::chrono::seconds timeout,
                                                               std::int64_t iteration) {
  using namespace asio::experimental::awaitable_operators;
  if (timeout.count() <= 0) {
    auto result = co_await loop_.run(std::move(r));
    co_return result;
  }
  asio::steady_timer limit(executor_, timeout);
  auto outcome = co_await (loop_.run(std::move(r)) || limit.async_wait(asio::use_awaitable));
  if (outcome.index() == 0) co_return std::move(std::get<0>(outcome));
  spdlog::warn("autonomous iteration {} timed out after {} s", iteration, timeout.count());
  co_return std::nullopt;
}

std::optional<a2a::Task> TaskManager::get(const std::string& id) const {
  if (auto* e = find(id)) return e->task;
  return std::nullopt;
}

std::vector<a2a::Task> TaskManager::list(const std::string& context_id, std::optional<a2a::TaskState> state,
                                         std::size_t limit, std::size_t* total) const {
  std::vector<const a2a::Task*> picked;
  for (const auto& [id, e] : tasks_) {
    if (!context_id.empty() && e->task.context_id != context_id) continue;
    if (state && e->task.state != *state) continue;
    picked.push_back(&e->task);
  }
  if (total) *total = picked.size();
  std::sort(picked.begin(), picked.end(),
            [](const a2a::Task* a, const a2a::Task* b) { return a->status_timestamp > b->status_timestamp; });
  std::vector<a2a::Task> out;
  for (std::size_t i = 0; i < picked.size() && i < limit; ++i) out.push_back(*picked[i]);
  return out;
}

bool TaskManager::cancel(const std::string& id) {
  auto* e = find(id);
  if (!e) return false;
  if (a2a::is_terminal(e->task.state)) return true;
  transition(*e, a2a::TaskState::canceled, std::string(kCanceledByRequest));
  if (!e->done) e->cancel.emit(asio::cancellation_type::terminal);
  return true;
}

net::Task<void> TaskManager::wait_change(const std::string& id) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) co_return;
  auto hold = it->second;
  co_await hold->changed.wait();
}

net::Task<std::optional<a2a::Task>> TaskManager::wait_done(const std::string& id) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) co_return std::nullopt;
  auto hold = it->second;
  while (!finished(hold->task.state)) co_await hold->changed.wait();
  co_return hold->task;
}

void TaskManager::stop_all() {
  for (auto& [id, e] : tasks_) {
    if (!e->done && !a2a::is_terminal(e->task.state)) {
      transition(*e, a2a::TaskState::canceled, std::string(kCanceled));
      e->cancel.emit(asio::cancellation_type::terminal);
    }
  }
}

}  // namespace kaos::agent
