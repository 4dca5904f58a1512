#include "servers/agent/tasks.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.hpp"

namespace kaos::agent {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct TaskManager::Entry {
  a2a::Task task;
  asio::cancellation_signal cancel;
  std::shared_ptr<asio::steady_timer> changed;
  bool done = false;  ///< the run finished (whatever the state)
};

namespace {
constexpr std::size_t kPreview = 200;

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
  auto old = std::exchange(e.changed, std::make_shared<asio::steady_timer>(executor_, Clock::time_point::max()));
  if (old) old->cancel();
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
  transition(e, a2a::TaskState::completed);
}

void TaskManager::evict_if_full() {
  if (tasks_.size() < options_.max_tasks) return;
  std::size_t want = std::max<std::size_t>(1, options_.max_tasks / 10);
  for (auto it = order_.begin(); it != order_.end() && want > 0;) {
    auto* e = find(*it);
    if (!e) {
      it = order_.erase(it);
      continue;
    }
    if (a2a::is_terminal(e->task.state)) {
      tasks_.erase(*it);
      it = order_.erase(it);
      --want;
    } else {
      ++it;
    }
  }
}

void TaskManager::launch(std::shared_ptr<Entry> e, net::Task<void> work) {
  auto slot = e->cancel.slot();
  asio::co_spawn(executor_, std::move(work), asio::bind_cancellation_slot(slot, [](std::exception_ptr) {}));
}

std::string TaskManager::submit(const a2a::SendParams& params, net::Headers outbound_headers, int delegation_depth) {
  evict_if_full();
  auto e = std::make_shared<Entry>();
  e->changed = std::make_shared<asio::steady_timer>(executor_, Clock::time_point::max());
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
  auto id = t.id;
  if (params.autonomous)
    launch(e, run_autonomous(e, params.budgets, std::move(outbound_headers), delegation_depth));
  else
    launch(e, run_interactive(e, std::move(outbound_headers), delegation_depth));
  return id;
}

std::string TaskManager::start_continuous(const std::string& goal) {
  auto e = std::make_shared<Entry>();
  e->changed = std::make_shared<asio::steady_timer>(executor_, Clock::time_point::max());
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
  transition(*e, a2a::TaskState::working);
  launch(e, run_continuous(e, goal));
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
  transition(*e, a2a::TaskState::working);
  try {
    auto r = run_request(e->task, e->task.history.front().text, std::move(headers), depth);
    auto result = co_await loop_.run(std::move(r));
    if (a2a::is_terminal(e->task.state)) co_return;  // canceled meanwhile
    if (result.failed) {
      transition(*e, a2a::TaskState::failed, result.error);
    } else {
      e->task.output = result.text;
      complete(*e);
    }
  } catch (const std::exception& ex) {
    if (!a2a::is_terminal(e->task.state)) transition(*e, a2a::TaskState::failed, ex.what());
  }
  e->done = true;
  if (!options_.enabled) tasks_.erase(e->task.id);
}

net::Task<void> TaskManager::run_autonomous(std::shared_ptr<Entry> e, a2a::Budgets budgets, net::Headers headers,
                                            int depth) {
  transition(*e, a2a::TaskState::working);
  auto started = Clock::now();
  std::int64_t tool_calls = 0;
  auto session = loop_.new_model_session();
  std::string last;
  try {
    for (std::int64_t iteration = 0;; ++iteration) {
      auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
      std::string reason;
      json::object data;
      if (budgets.max_iterations > 0 && iteration >= budgets.max_iterations) {
        reason = "max_iterations";
        data["iterations"] = iteration;
      } else if (budgets.max_runtime_seconds > 0 && elapsed >= budgets.max_runtime_seconds) {
        reason = "max_runtime_seconds";
        data["elapsed"] = elapsed;
      } else if (budgets.max_tool_calls > 0 && tool_calls >= budgets.max_tool_calls) {
        reason = "max_tool_calls";
        data["total_tool_calls"] = tool_calls;
      }
      if (!reason.empty()) {
        data["reason"] = reason;
        event(*e, "autonomous.budget.exhausted", std::move(data));
        std::int64_t n = reason == "max_iterations"        ? budgets.max_iterations
                         : reason == "max_runtime_seconds" ? budgets.max_runtime_seconds
                                                           : budgets.max_tool_calls;
        e->task.output = fmt::format("Budget exhausted: {} ({}) reached", reason, n);
        break;
      }
      std::string prompt = iteration == 0
                               ? e->task.history.front().text
                               : fmt::format(
                                     "Continue working toward the goal. This is iteration {}. Review your progress "
                                     "and decide next steps. If the goal is fully achieved, respond with your final "
                                     "answer without making any tool calls.",
                                     iteration);
      auto r = run_request(e->task, prompt, headers, depth);
      r.model_session = session.get();
      auto result = co_await loop_.run(std::move(r));
      if (a2a::is_terminal(e->task.state)) co_return;
      if (result.failed) {
        transition(*e, a2a::TaskState::failed, result.error);
        e->done = true;
        co_return;
      }
      tool_calls += result.tool_calls;
      last = result.text;
      e->task.output = last;
      notify(*e);
      if (result.tool_calls == 0) break;
      if (budgets.interval_seconds > 0) {
        asio::steady_timer pause(executor_, std::chrono::seconds(budgets.interval_seconds));
        co_await pause.async_wait(asio::use_awaitable);
      }
    }
    complete(*e);
  } catch (const std::exception& ex) {
    if (!a2a::is_terminal(e->task.state)) transition(*e, a2a::TaskState::failed, ex.what());
  }
  e->done = true;
}

net::Task<void> TaskManager::run_continuous(std::shared_ptr<Entry> e, std::string goal) {
  using namespace asio::experimental::awaitable_operators;
  auto session = loop_.new_model_session();
  // Later iterations say "continue toward the goal" and rely on memory for what the goal is.
  // A run writes memory only when it finishes, so until one iteration has finished (the first
  // may time out or fail) the goal itself is sent again; otherwise it would be lost for good.
  bool goal_recorded = false;
  for (std::int64_t iteration = 0; !a2a::is_terminal(e->task.state); ++iteration) {
    std::string prompt = !goal_recorded
                             ? goal
                             : fmt::format(
                                   "Continue working toward the goal. This is iteration {}. Review your progress "
                                   "and decide next steps.",
                                   iteration);
    auto r = run_request(e->task, prompt, {}, 0);
    r.model_session = session.get();
    try {
      if (config_.autonomous_max_iter_runtime_seconds > 0) {
        asio::steady_timer limit(executor_, std::chrono::seconds(config_.autonomous_max_iter_runtime_seconds));
        auto outcome = co_await (loop_.run(std::move(r)) || limit.async_wait(asio::use_awaitable));
        if (outcome.index() == 0) {
          e->task.output = std::get<0>(outcome).text;
          goal_recorded = true;
        } else {
          spdlog::warn("autonomous iteration {} timed out after {} s", iteration,
                       config_.autonomous_max_iter_runtime_seconds);
        }
      } else {
        e->task.output = (co_await loop_.run(std::move(r))).text;
        goal_recorded = true;
      }
      notify(*e);
    } catch (const boost::system::system_error& ex) {
      if (ex.code() == asio::error::operation_aborted) break;  // canceled or shutting down
      spdlog::warn("autonomous iteration {} failed: {}", iteration, ex.what());
    } catch (const std::exception& ex) {
      spdlog::warn("autonomous iteration {} failed: {}", iteration, ex.what());
    }
    if (a2a::is_terminal(e->task.state)) break;
    auto pause = std::max<std::chrono::milliseconds>(std::chrono::seconds(config_.autonomous_interval_seconds),
                                                     options_.continuous_min_interval);
    asio::steady_timer t(executor_, pause);
    auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) break;
  }
  e->done = true;
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
  transition(*e, a2a::TaskState::canceled);
  if (!e->done) e->cancel.emit(asio::cancellation_type::terminal);
  return true;
}

net::Task<void> TaskManager::wait_change(const std::string& id) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) co_return;
  auto hold = it->second;
  auto timer = hold->changed;
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
}

net::Task<std::optional<a2a::Task>> TaskManager::wait_done(const std::string& id) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) co_return std::nullopt;
  auto hold = it->second;
  while (!finished(hold->task.state)) {
    auto timer = hold->changed;
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return hold->task;
}

void TaskManager::stop_all() {
  for (auto& [id, e] : tasks_) {
    if (!e->done && !a2a::is_terminal(e->task.state)) {
      transition(*e, a2a::TaskState::canceled);
      e->cancel.emit(asio::cancellation_type::terminal);
    }
  }
}

}  // namespace kaos::agent
