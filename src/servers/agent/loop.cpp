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
namespace wire = protocol::kaos;
using Clock = std::chrono::steady_clock;

json::object chat_message(std::string_view role, std::string content) {
  json::object m;
  m["role"] = role;
  m["content"] = std::move(content);
  return m;
}

json::value arguments_value(const std::string& text) {
  if (auto v = parse_json(text); v) return std::move(*v);
  return json::value(text);
}

}  // namespace

AgentLoop::AgentLoop(const AgentConfig& config, Model& model, ToolBox& tools, Memory& memory, AgentMetrics& metrics)
    : config_(config), model_(model), tools_(tools), memory_(memory), metrics_(metrics) {}

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

net::Task<RunResult> AgentLoop::run(RunRequest req) {
  RunResult result;
  std::vector<MemoryEvent> log;
  log.push_back(make_event(req.delegated ? MemoryEventType::task_delegation_received : MemoryEventType::user_message,
                           json::value(req.prompt)));

  // History: the last turns of this session (a failing store degrades to none).
  json::array history;
  if (memory_.enabled() && config_.memory_context_limit > 0) {
    auto events = co_await memory_.events(req.session_id, std::max<std::size_t>(50, config_.memory_context_limit * 8));
    if (events) {
      history = history_messages(*events, config_.memory_context_limit);
    } else {
      metrics_.memory_errors.with({"read"}).inc();
      spdlog::warn("memory ({}) unavailable, answering without history: {}", memory_.kind(), events.error().message);
    }
  }

  json::array messages;
  if (!config_.system_prompt.empty()) messages.push_back(chat_message("system", config_.system_prompt));
  if (!config_.instructions.empty()) messages.push_back(chat_message("system", config_.instructions));
  for (auto& m : history) messages.push_back(m);
  for (const auto& m : req.inbound_context) messages.push_back(m);
  messages.push_back(chat_message("user", req.prompt));

  // What a delegation forwards: the recent turns and this prompt.
  ToolCallContext ctx;
  ctx.headers = req.outbound_headers;
  ctx.delegation_depth = req.delegation_depth;
  ctx.recent_context = history;
  ctx.recent_context.push_back(chat_message("user", req.prompt));

  // The shared catalogue snapshot: its entries and its tool definitions (serialized once).
  const auto catalog = co_await tools_.list();
  const auto& tools = catalog->entries;

  std::unique_ptr<ModelSession> own_session;
  ModelSession* session = req.model_session;
  if (!session) {
    own_session = model_.session();
    session = own_session.get();
  }

  metrics_.active_runs.with({}).add(1);
  struct ActiveGuard {
    AgentMetrics& m;
    ~ActiveGuard() { m.active_runs.with({}).add(-1); }
  } guard{metrics_};

  int tool_steps = 0;
  bool answered = false;
  for (int step = 1; step <= config_.max_steps; ++step) {
    metrics_.loop_steps.with({}).inc();
    ++result.steps;
    auto started = Clock::now();
    auto reply = co_await session->complete(messages, catalog->definitions, req.outbound_headers);
    const auto& label = model_.label();
    metrics_.model_seconds.with({label}).observe(std::chrono::duration<double>(Clock::now() - started).count());
    if (!reply) {
      metrics_.model_calls.with({label, "error"}).inc();
      result.failed = true;
      result.error = reply.error().message;
      break;
    }
    metrics_.model_calls.with({label, "ok"}).inc();
    if (reply->has_usage) {
      metrics_.tokens.with({label, "input"})
          .inc(static_cast<std::uint64_t>(std::max<std::int64_t>(0, reply->usage.prompt_tokens)));
      metrics_.tokens.with({label, "output"})
          .inc(static_cast<std::uint64_t>(std::max<std::int64_t>(0, reply->usage.completion_tokens)));
    }
    if (reply->tool_calls.empty()) {
      result.text = std::move(reply->content);
      answered = true;
      break;
    }

    // Tool calls: announce, record, run concurrently, feed the results back.
    ++tool_steps;
    const auto& calls = reply->tool_calls;
    std::vector<const ToolEntry*> entries(calls.size(), nullptr);
    json::array call_json;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      for (const auto& t : tools)
        if (t.name == calls[i].name) entries[i] = &t;
      json::object fn;
      fn["name"] = calls[i].name;
      fn["arguments"] = calls[i].arguments.empty() ? std::string("{}") : calls[i].arguments;
      json::object c;
      c["id"] = calls[i].id;
      c["type"] = "function";
      c["function"] = std::move(fn);
      call_json.push_back(std::move(c));

      bool delegation = entries[i] && entries[i]->kind == ToolKind::delegation;
      if (req.on_progress) {
        ProgressEvent ev{tool_steps, config_.max_steps, delegation ? "delegate" : "tool_call",
                         delegation ? entries[i]->server : calls[i].name};
        co_await req.on_progress(ev);
      }
      if (delegation) {
        auto args = arguments_value(calls[i].arguments);
        const auto* task = args.is_object() ? find_field(args.get_object(), "task") : nullptr;
        wire::DelegationRequestContent content{entries[i]->server, task ? *task : json::value(calls[i].arguments)};
        log.push_back(make_event(MemoryEventType::delegation_request, wire::to_json(content)));
      } else {
        wire::ToolCallContent content{calls[i].name, arguments_value(calls[i].arguments)};
        log.push_back(make_event(MemoryEventType::tool_call, wire::to_json(content)));
      }
    }
    json::object assistant;
    assistant["role"] = "assistant";
    assistant["content"] = reply->content.empty() ? json::value(nullptr) : json::value(reply->content);
    assistant["tool_calls"] = std::move(call_json);
    messages.push_back(std::move(assistant));

    auto outcomes = std::make_shared<std::vector<ToolOutcome>>(calls.size());
    auto run_one = [this, &calls, &entries, &tools, &ctx, outcomes](std::size_t i) -> net::Task<void> {
      if (!entries[i]) {
        std::string names;
        for (const auto& t : tools) names += (names.empty() ? "" : ", ") + t.name;
        (*outcomes)[i] = {
            fmt::format("Unknown tool '{}'. Available tools: {}", calls[i].name, names.empty() ? "none" : names), true};
        co_return;
      }
      (*outcomes)[i] = co_await tools_.call(*entries[i], calls[i].arguments, ctx);
    };
    if (calls.size() == 1) {
      co_await run_one(0);
    } else {
      auto ex = co_await asio::this_coro::executor;
      using Op = decltype(asio::co_spawn(ex, std::declval<net::Task<void>>(), asio::deferred));
      std::vector<Op> ops;
      ops.reserve(calls.size());
      for (std::size_t i = 0; i < calls.size(); ++i) ops.push_back(asio::co_spawn(ex, run_one(i), asio::deferred));
      auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                                 .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
      for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    }
    result.tool_calls += static_cast<int>(calls.size());

    for (std::size_t i = 0; i < calls.size(); ++i) {
      auto& out = (*outcomes)[i];
      json::object tool_msg;
      tool_msg["role"] = "tool";
      tool_msg["tool_call_id"] = calls[i].id;
      tool_msg["content"] = out.text;
      messages.push_back(std::move(tool_msg));
      if (entries[i] && entries[i]->kind == ToolKind::delegation) {
        wire::DelegationResponseContent content{entries[i]->server, json::value(out.text)};
        log.push_back(make_event(MemoryEventType::delegation_response, wire::to_json(content)));
      } else {
        wire::ToolResultContent content{calls[i].name, json::value(out.text)};
        log.push_back(make_event(MemoryEventType::tool_result, wire::to_json(content)));
      }
    }
  }

  if (result.failed) {
    log.push_back(make_event(MemoryEventType::error, json::value(result.error)));
    result.text = "Sorry, I encountered an error: " + result.error;
  } else if (!answered) {
    result.text = fmt::format("Reached maximum reasoning steps ({})", config_.max_steps);
    spdlog::warn("session {}: {}", req.session_id, result.text);
  }
  if (!result.failed) log.push_back(make_event(MemoryEventType::agent_response, json::value(result.text)));

  if (memory_.enabled()) {
    auto written = co_await memory_.append(req.session_id, std::move(log));
    if (!written) {
      metrics_.memory_errors.with({"write"}).inc();
      spdlog::warn("memory ({}) unavailable, session {} not recorded: {}", memory_.kind(), req.session_id,
                   written.error().message);
    }
  }
  co_return result;
}

}  // namespace kaos::agent
