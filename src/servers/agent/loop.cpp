#include "servers/agent/loop.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kaos::agent {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

json::object chat_message(std::string_view role, std::string_view content) {
  json::object m;
  m["role"] = role;
  m["content"] = content;
  return m;
}

/// The assistant turn that asked for the calls, as the next model request replays it.
json::object assistant_turn(const ModelReply& reply) {
  json::array calls;
  for (const auto& call : reply.tool_calls) {
    json::object fn;
    fn["name"] = call.name;
    fn["arguments"] = call.arguments.empty() ? std::string("{}") : call.arguments;
    json::object c;
    c["id"] = call.id;
    c["type"] = "function";
    c["function"] = std::move(fn);
    calls.push_back(std::move(c));
  }
  json::object assistant;
  assistant["role"] = "assistant";
  assistant["content"] = reply.content.empty() ? json::value(nullptr) : json::value(reply.content);
  assistant["tool_calls"] = std::move(calls);
  return assistant;
}

/// Counts the run in the active-runs gauge while it lives.
struct ActiveRun {
  explicit ActiveRun(AgentMetrics& m) : metrics(m) { metrics.active_runs.with({}).add(1); }
  ~ActiveRun() { metrics.active_runs.with({}).add(-1); }
  AgentMetrics& metrics;
};

}  // namespace

AgentLoop::AgentLoop(const AgentConfig& config, Model& model, CombinedToolset& tools, Memory& memory,
                     AgentMetrics& metrics)
    : config_(config), model_(model), tools_(tools), memory_(memory), metrics_(metrics) {
  run_limits_.max_steps = config.max_steps;
}

json::array AgentLoop::history_messages(const std::vector<MemoryEvent>& events, std::size_t limit) {
  std::vector<const MemoryEvent*> turns;
  for (const auto& e : events) {
    if (!e.content.is_string()) continue;
    if (e.event_type == MemoryEventType::user_message || e.event_type == MemoryEventType::task_delegation_received ||
        e.event_type == MemoryEventType::agent_response)
      turns.push_back(&e);
  }
  json::array out;
  std::size_t first = turns.size() > limit ? turns.size() - limit : 0;
  for (std::size_t i = first; i < turns.size(); ++i) {
    const auto& e = *turns[i];
    out.push_back(chat_message(e.event_type == MemoryEventType::agent_response ? "assistant" : "user",
                               std::string(e.content.get_string())));
  }
  return out;
}

net::Task<RunResult> AgentLoop::run(RunRequest request) {
  RunContext ctx;
  co_await prepare(ctx, request);
  ActiveRun active(metrics_);
  while (auto reply = co_await request_model(ctx)) {
    co_await dispatch_tools(ctx, *reply);
    if (ctx.result.limit) break;
  }
  co_await record(ctx);
  co_return std::move(ctx.result);
}

net::Task<json::array> AgentLoop::history(const std::string& session_id) {
  if (!memory_.enabled() || config_.memory_context_limit == 0) co_return json::array{};
  auto events = co_await memory_.events(session_id, std::max<std::size_t>(50, config_.memory_context_limit * 8));
  if (!events) {  // a failing store degrades to no history
    metrics_.memory_errors.with({"read"}).inc();
    spdlog::warn("memory ({}) unavailable, answering without history: {}", memory_.kind(), events.error().message);
    co_return json::array{};
  }
  co_return history_messages(*events, config_.memory_context_limit);
}

net::Task<void> AgentLoop::prepare(RunContext& ctx, RunRequest& req) {
  ctx.session_id = std::move(req.session_id);
  ctx.outbound_headers = std::move(req.outbound_headers);
  ctx.delegation_depth = req.delegation_depth;
  ctx.on_progress = std::move(req.on_progress);
  ctx.usage = req.usage ? req.usage : &ctx.own_usage;
  ctx.usage->run_requests = 0;
  ctx.limits = req.limits ? req.limits : &run_limits_;
  ctx.log.push_back(
      make_event(req.delegated ? MemoryEventType::task_delegation_received : MemoryEventType::user_message,
                 json::value(req.prompt)));

  auto history = co_await this->history(ctx.session_id);
  if (!config_.system_prompt.empty()) ctx.messages.push_back(chat_message("system", config_.system_prompt));
  if (!config_.instructions.empty()) ctx.messages.push_back(chat_message("system", config_.instructions));
  for (const auto& m : history) ctx.messages.push_back(m);
  for (const auto& m : req.inbound_context) ctx.messages.push_back(m);
  ctx.messages.push_back(chat_message("user", req.prompt));
  // What a delegation forwards: the recent turns and this prompt.
  ctx.recent_context = std::move(history);
  ctx.recent_context.push_back(chat_message("user", std::move(req.prompt)));

  // The shared catalogue snapshot: its entries and its tool definitions (serialized once).
  ctx.tools = co_await tools_.list();
  ctx.model = req.model_session;
  if (!ctx.model) {
    ctx.own_model = model_.session();
    ctx.model = ctx.own_model.get();
  }
}

net::Task<std::optional<ModelReply>> AgentLoop::request_model(RunContext& ctx) {
  auto& usage = *ctx.usage;
  if (auto stop = ctx.limits->before_model_request(usage)) {
    ctx.result.limit = std::move(stop);
    co_return std::nullopt;
  }
  if (usage.run_requests == 0) ++usage.runs;
  ++usage.run_requests;
  ++usage.requests;
  ++ctx.result.steps;
  metrics_.loop_steps.with({}).inc();
  auto started = Clock::now();
  auto reply = co_await ctx.model->complete(ctx.messages, ctx.tools->definitions, ctx.outbound_headers);
  const auto& label = model_.label();
  metrics_.model_seconds.with({label}).observe(std::chrono::duration<double>(Clock::now() - started).count());
  if (!reply) {
    metrics_.model_calls.with({label, "error"}).inc();
    ctx.result.failed = true;
    ctx.result.error = reply.error().message;
    co_return std::nullopt;
  }
  metrics_.model_calls.with({label, "ok"}).inc();
  if (reply->has_usage) {
    auto input = std::max<std::int64_t>(0, reply->usage.prompt_tokens);
    auto output = std::max<std::int64_t>(0, reply->usage.completion_tokens);
    usage.input_tokens += input;
    usage.output_tokens += output;
    metrics_.tokens.with({label, "input"}).inc(static_cast<std::uint64_t>(input));
    metrics_.tokens.with({label, "output"}).inc(static_cast<std::uint64_t>(output));
  }
  if (reply->tool_calls.empty()) {
    ctx.result.text = std::move(reply->content);
    co_return std::nullopt;
  }
  co_return std::move(*reply);
}

net::Task<void> AgentLoop::dispatch_tools(RunContext& ctx, const ModelReply& reply) {
  ++ctx.tool_steps;
  // The calls the limits allow, in the model's order; the first refused one ends the run.
  std::size_t allowed = 0;
  for (; allowed < reply.tool_calls.size(); ++allowed) {
    if (auto stop = ctx.limits->before_tool_call(*ctx.usage)) {
      ctx.result.limit = std::move(stop);
      break;
    }
    ++ctx.usage->tool_calls;
  }
  auto entries = co_await announce_calls(ctx, reply, allowed);
  ctx.messages.push_back(assistant_turn(reply));
  if (allowed == 0) co_return;

  const auto& calls = reply.tool_calls;
  auto outcomes = co_await run_calls(ctx, calls, entries);
  ctx.result.tool_calls += static_cast<int>(allowed);
  for (std::size_t i = 0; i < allowed; ++i) {
    json::object tool_msg;
    tool_msg["role"] = "tool";
    tool_msg["tool_call_id"] = calls[i].id;
    tool_msg["content"] = outcomes[i].text;
    ctx.messages.push_back(std::move(tool_msg));
    ctx.log.push_back(entries[i] ? entries[i]->toolset->describe_result(*entries[i], outcomes[i].text)
                                 : tool_result_event(calls[i].name, outcomes[i].text));
  }
}

net::Task<std::vector<const ToolEntry*>> AgentLoop::announce_calls(RunContext& ctx, const ModelReply& reply,
                                                                   std::size_t allowed) {
  std::vector<const ToolEntry*> entries;
  entries.reserve(allowed);
  for (std::size_t i = 0; i < allowed; ++i) {
    const auto& call = reply.tool_calls[i];
    const auto* entry = ctx.tools->find(call.name);
    entries.push_back(entry);
    auto record =
        entry ? entry->toolset->describe_call(*entry, call.arguments) : tool_call_record(call.name, call.arguments);
    if (ctx.on_progress) {
      // A named event, not a temporary in the co_await expression: GCC 12 destroys such a
      // temporary twice (free(): invalid pointer).
      ProgressEvent progress{ctx.tool_steps, ctx.limits->max_steps, std::move(record.action), std::move(record.target)};
      co_await ctx.on_progress(progress);
    }
    ctx.log.push_back(std::move(record.event));
  }
  co_return entries;
}

net::Task<std::vector<ToolOutcome>> AgentLoop::run_calls(const RunContext& ctx, const ToolCalls& calls,
                                                         const std::vector<const ToolEntry*>& entries) {
  // Runs calls[0, entries.size()) — one at once, or concurrently — into `outcomes` by index.
  const std::size_t n = entries.size();
  auto outcomes = std::make_shared<std::vector<ToolOutcome>>(n);
  auto run_one = [this, &ctx, &calls, &entries, outcomes](std::size_t i) -> net::Task<void> {
    if (!entries[i]) {
      std::string names;
      for (const auto& t : ctx.tools->entries) names += (names.empty() ? "" : ", ") + t.name;
      (*outcomes)[i] = {
          fmt::format("Unknown tool '{}'. Available tools: {}", calls[i].name, names.empty() ? "none" : names), true};
      co_return;
    }
    (*outcomes)[i] = co_await tools_.call(*entries[i], calls[i].arguments, ctx);
  };
  if (n == 1) {
    co_await run_one(0);
  } else {
    auto ex = co_await asio::this_coro::executor;
    using Op = decltype(asio::co_spawn(ex, std::declval<net::Task<void>>(), asio::deferred));
    std::vector<Op> ops;
    ops.reserve(n);
    for (std::size_t i = 0; i < n; ++i) ops.push_back(asio::co_spawn(ex, run_one(i), asio::deferred));
    auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  co_return std::move(*outcomes);
}

net::Task<void> AgentLoop::record(RunContext& ctx) {
  auto& result = ctx.result;
  metrics_.runs.with({result.failed ? "failed" : result.limit ? "limited" : "completed"}).inc();
  if (result.failed) {
    ctx.log.push_back(make_event(MemoryEventType::error, json::value(result.error)));
    result.text = "Sorry, I encountered an error: " + result.error;
  } else {
    if (result.limit) {
      result.text = result.limit->message();
      spdlog::warn("session {}: {}", ctx.session_id, result.text);
    }
    ctx.log.push_back(make_event(MemoryEventType::agent_response, json::value(result.text)));
  }
  // A run a limit stopped before its first model request did nothing: nothing to record.
  if (!memory_.enabled() || result.steps == 0) co_return;
  auto written = co_await memory_.append(ctx.session_id, std::move(ctx.log));
  if (!written) {
    metrics_.memory_errors.with({"write"}).inc();
    spdlog::warn("memory ({}) unavailable, session {} not recorded: {}", memory_.kind(), ctx.session_id,
                 written.error().message);
  }
}

}  // namespace kaos::agent
