#include "servers/agent/delegation.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "clients/a2a/a2a_client.hpp"

namespace kaos::agent {

namespace {
using Clock = std::chrono::steady_clock;
// Describing tools must not stall a request on a slow peer: a short card fetch, and a failed
// one is not retried for a while.
constexpr auto kDescribeTimeout = std::chrono::milliseconds(1000);
constexpr auto kDescribeRetryPause = std::chrono::seconds(5);

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}
}  // namespace

struct Delegator::PeerState {
  std::optional<protocol::a2a::CardView> card;
  Clock::time_point describe_retry_at{};
};

Delegator::Delegator(net::HttpClient& http, const AgentConfig& config)
    : http_(http), config_(config), state_(config.peers.size()) {}

Delegator::~Delegator() = default;

net::Task<std::string> Delegator::describe(std::size_t peer) {
  auto& st = state_[peer];
  const auto& ref = config_.peers[peer];
  if (!st.card && Clock::now() >= st.describe_retry_at) {
    clients::a2a::A2aClient a2a(http_);
    auto card = co_await a2a.fetch_card(ref.url, {}, kDescribeTimeout);
    if (card) {
      st.card = std::move(*card);
    } else {
      st.describe_retry_at = Clock::now() + kDescribeRetryPause;
    }
  }
  if (st.card && !st.card->name.empty())
    co_return fmt::format("Delegate a task to the {} agent: {}", st.card->name, st.card->description);
  co_return fmt::format("Delegate a task to the {} agent.", ref.name);
}

net::Task<Result<std::string>> Delegator::delegate(std::size_t peer, std::string task, json::array context,
                                                   net::Headers headers, int depth) {
  const auto& ref = config_.peers[peer];
  auto& st = state_[peer];
  if (depth + 1 > config_.max_delegation_depth)
    co_return Error::invalid(
        fmt::format("Agent {}: delegation depth limit ({}) reached, not delegating further "
                    "(KAOS_MAX_DELEGATION_DEPTH)",
                    ref.name, config_.max_delegation_depth));
  headers.set(kDelegationDepthHeader, std::to_string(depth + 1));
  const auto deadline = Clock::now() + config_.delegation_timeout;
  clients::a2a::A2aClient a2a(http_);

  std::string a2a_error;
  if (!st.card) {
    auto card = co_await a2a.fetch_card(ref.url, headers, remaining(deadline));
    if (card) {
      st.card = std::move(*card);
    } else {
      a2a_error = card.error().message;
    }
  }
  if (st.card && st.card->supports_jsonrpc) {
    // KAOS posts to the configured URL, not the card's: a card's own URL may name an address
    // only the peer itself can reach (KAOS's runtime wrote http://localhost:<port>).
    std::string url = ref.url + "/";
    json::object metadata;
    metadata["delegation"] = true;
    metadata["context"] = context;
    auto reply = co_await a2a.send_message(url, task, {}, std::move(metadata), headers, remaining(deadline));
    if (reply) co_return std::move(*reply);
    a2a_error = reply.error().message;
    st.card.reset();  // re-discover next time: the peer may have moved or restarted
    if (reply.error().kind == ErrorKind::timeout)
      co_return Error::timeout(fmt::format("Agent {}: {}", ref.name, a2a_error));
  }
  // KAOS's fallback: the peer's OpenAI-compatible endpoint, the context plus a task-delegation turn.
  json::array messages = std::move(context);
  json::object turn;
  turn["role"] = "task-delegation";
  turn["content"] = task;
  messages.push_back(std::move(turn));
  auto reply = co_await a2a.chat_fallback(ref.url, ref.name, std::move(messages), headers, remaining(deadline));
  if (reply) co_return std::move(*reply);
  if (!a2a_error.empty())
    spdlog::warn("delegation to {}: A2A failed ({}), chat fallback failed ({})", ref.name, a2a_error,
                 reply.error().message);
  co_return Error{reply.error().kind,
                  fmt::format("Agent {} unavailable at {}: {}", ref.name, ref.url, reply.error().message)};
}

namespace {
json::object delegation_schema() {
  json::object task;
  task["type"] = "string";
  task["description"] = "The task for the agent, with everything it needs to know";
  json::object props;
  props["task"] = std::move(task);
  json::object schema;
  schema["type"] = "object";
  schema["properties"] = std::move(props);
  json::array required;
  required.push_back("task");
  schema["required"] = std::move(required);
  return schema;
}
}  // namespace

DelegationToolset::DelegationToolset(std::shared_ptr<Delegator> delegator, std::size_t peer, AgentMetrics& metrics)
    : delegator_(std::move(delegator)), peer_(peer), metrics_(metrics) {}

net::Task<ToolList> DelegationToolset::list_tools() {
  auto description = co_await delegator_->describe(peer_);
  // No suspension from here on: concurrent runs see the snapshot and its key agree.
  if (tools_ && description == description_) co_return tools_;
  ToolEntry e;
  e.name = delegation_tool_name(delegator_->peers()[peer_].name);
  e.description = description;
  e.parameters = delegation_schema();
  e.server = delegator_->peers()[peer_].name;
  e.toolset = this;
  tools_ = std::make_shared<const std::vector<ToolEntry>>(1, std::move(e));
  description_ = std::move(description);
  co_return tools_;
}

net::Task<ToolOutcome> DelegationToolset::call_tool(const ToolEntry& tool, json::object arguments,
                                                    const RunContext& ctx) {
  auto task = string_field(arguments, "task");
  if (!task || task->empty())
    co_return ToolOutcome{"[Delegation failed: the 'task' argument (a non-empty string) is required]", true};
  auto started = Clock::now();
  auto r = co_await delegator_->delegate(peer_, std::string(*task), ctx.recent_context, ctx.outbound_headers,
                                         ctx.delegation_depth);
  bool ok = r.has_value();
  metrics_.delegations.with({tool.server, ok ? "true" : "false"}).inc();
  metrics_.delegation_seconds.with({tool.server})
      .observe(std::chrono::duration<double>(Clock::now() - started).count());
  if (ok) co_return ToolOutcome{std::move(*r), false};
  co_return ToolOutcome{"[Delegation failed: " + r.error().message + "]", true};
}

ToolCallRecord DelegationToolset::describe_call(const ToolEntry& tool, const std::string& arguments) const {
  auto args = arguments_value(arguments);
  const auto* task = args.is_object() ? find_field(args.get_object(), "task") : nullptr;
  protocol::kaos::DelegationRequestContent content{tool.server, task ? *task : json::value(arguments)};
  return {"delegate", tool.server, make_event(MemoryEventType::delegation_request, protocol::kaos::to_json(content))};
}

MemoryEvent DelegationToolset::describe_result(const ToolEntry& tool, const std::string& text) const {
  protocol::kaos::DelegationResponseContent content{tool.server, json::value(text)};
  return make_event(MemoryEventType::delegation_response, protocol::kaos::to_json(content));
}

}  // namespace kaos::agent
