// The agent loop as a unit: a scripted model, fake toolsets and local memory around a real
// AgentLoop on a real io_context.
#include "servers/agent/loop.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <tuple>

#include "net/testing.hpp"
#include "servers/agent/memory/local_memory.hpp"

namespace kaos::agent {
namespace {

using namespace std::chrono_literals;
using net::testing::Flag;

using T = MemoryEventType;

MemoryEvent ev(MemoryEventType type, std::string text) {
  return make_event(type, json::value(text));
}

TEST(History, LastTurnsOnlyUserAndAgentInOrder) {
  std::vector<MemoryEvent> events{ev(T::user_message, "q1"),   make_event(T::tool_call, json::object{{"tool", "add"}}),
                                  ev(T::agent_response, "a1"), ev(T::task_delegation_received, "q2"),
                                  ev(T::error, "boom"),        ev(T::agent_response, "a2")};
  auto all = AgentLoop::history_messages(events, 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].at("role").get_string(), "user");
  EXPECT_EQ(all[0].at("content").get_string(), "q1");
  EXPECT_EQ(all[1].at("role").get_string(), "assistant");
  EXPECT_EQ(all[2].at("content").get_string(), "q2");
  auto last2 = AgentLoop::history_messages(events, 2);
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2[0].at("content").get_string(), "q2");
  EXPECT_EQ(last2[1].at("content").get_string(), "a2");
  EXPECT_TRUE(AgentLoop::history_messages(events, 0).empty());
}

// ---- test doubles ------------------------------------------------------------------------

/// Answers from a script, one reply per request, and keeps every request's messages. Past the
/// end of the script it repeats the last reply.
class ScriptedModel final : public Model {
 public:
  std::vector<Result<ModelReply>> script;
  std::vector<json::array> requests;
  std::chrono::milliseconds delay{0};  ///< how long each request takes

  std::unique_ptr<ModelSession> session() override { return std::make_unique<Session>(*this); }
  const std::string& label() const override { return label_; }

 private:
  struct Session final : ModelSession {
    explicit Session(ScriptedModel& m) : model(m) {}
    net::Task<Result<ModelReply>> complete(const json::array& messages, const ToolDefinitions&,
                                           const net::Headers&) override {
      model.requests.push_back(messages);
      if (model.delay.count() > 0) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, model.delay);
        co_await timer.async_wait(boost::asio::use_awaitable);
      }
      auto i = std::min(model.requests.size(), model.script.size()) - 1;
      co_return model.script.at(i);
    }
    ScriptedModel& model;
  };
  std::string label_ = "scripted";
};

ModelReply text(std::string s) {
  return ModelReply{std::move(s), {}, {}, false};
}

ModelReply calls(std::vector<std::pair<std::string, std::string>> name_args) {
  ModelReply r;
  for (auto& [name, args] : name_args)
    r.tool_calls.push_back({"call_" + std::to_string(r.tool_calls.size()), name, args});
  return r;
}

/// Tools whose behaviour a test sets: each answers after `delay` with "<name>:<arguments>", or
/// as `error_text` when set; `block` makes a call wait until cancelled.
class FakeToolset final : public Toolset {
 public:
  struct Tool {
    std::chrono::milliseconds delay{0};
    std::string error_text;
    bool block = false;
    static Tool slow(std::chrono::milliseconds d) { return {d, "", false}; }
    static Tool failing(std::string text) { return {{}, std::move(text), false}; }
    static Tool blocking() { return {{}, "", true}; }
  };
  std::map<std::string, Tool> tools;
  std::vector<std::string> started, finished;  // call names in the order they started / ended
  Flag blocked;                                // set when a blocking call is waiting

  std::string_view kind_name() const override { return "fake"; }
  std::string_view source_noun() const override { return "fake toolset"; }
  net::Task<ToolList> list_tools() override {
    if (!list_) {
      auto list = std::make_shared<std::vector<ToolEntry>>();
      for (const auto& [name, t] : tools) list->push_back({name, "the " + name + " tool", {}, "fakes", this});
      list_ = std::move(list);
    }
    co_return list_;
  }
  net::Task<ToolOutcome> call_tool(const ToolEntry& tool, json::object arguments, const RunContext&) override {
    const auto& t = tools.at(tool.name);
    started.push_back(tool.name);
    if (t.block) blocked.set();
    if (t.block || t.delay.count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, t.block ? 1h : t.delay);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    finished.push_back(tool.name);
    if (!t.error_text.empty()) co_return ToolOutcome{t.error_text, true};
    co_return ToolOutcome{tool.name + ":" + to_json(arguments), false};
  }

 private:
  ToolList list_;
};

struct Agent {
  net::testing::Loop io;
  AgentConfig config;
  telemetry::Registry registry;
  AgentMetrics metrics{registry};
  ScriptedModel model;
  FakeToolset* fake = nullptr;
  std::unique_ptr<CombinedToolset> tools;
  LocalMemory memory;
  std::unique_ptr<AgentLoop> loop;

  explicit Agent(std::map<std::string, FakeToolset::Tool> fake_tools = {{"a", {}}, {"b", {}}}) {
    config.name = "unit";
    config.max_steps = 5;
    auto f = std::make_unique<FakeToolset>();
    f->tools = std::move(fake_tools);
    fake = f.get();
    std::vector<std::unique_ptr<Toolset>> members;
    members.push_back(std::move(f));
    tools = std::make_unique<CombinedToolset>(std::move(members), metrics);
    loop = std::make_unique<AgentLoop>(config, model, *tools, memory, metrics);
  }

  RunResult run(RunRequest r) { return io.run(loop->run(std::move(r))); }
  RunResult run(std::string prompt) {
    RunRequest r;
    r.session_id = "s1";
    r.prompt = std::move(prompt);
    return run(std::move(r));
  }
  std::vector<MemoryEvent> recorded(const std::string& session = "s1") {
    return io.run(memory.events(session, 100)).value();
  }
  std::vector<std::string> recorded_types(const std::string& session = "s1") {
    std::vector<std::string> out;
    for (const auto& e : recorded(session)) out.emplace_back(protocol::kaos::to_string(e.event_type));
    return out;
  }
};

/// The tool messages a model request carried, in order: {tool_call_id, content}.
std::vector<std::pair<std::string, std::string>> tool_messages(const json::array& messages) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : messages)
    if (m.at("role").get_string() == "tool")
      out.emplace_back(m.at("tool_call_id").get_string(), m.at("content").get_string());
  return out;
}

// ---- the loop ----------------------------------------------------------------------------

TEST(AgentLoop, AnswersInTextAndRecordsTheTurn) {
  Agent agent;
  agent.model.script = {text("hello")};
  auto r = agent.run("hi");
  EXPECT_EQ(r.text, "hello");
  EXPECT_FALSE(r.failed);
  EXPECT_FALSE(r.limit);
  EXPECT_EQ(r.steps, 1);
  EXPECT_EQ(agent.recorded_types(), (std::vector<std::string>{"user_message", "agent_response"}));
}

TEST(AgentLoop, StepLimitEndsTheRunWithKaosText) {
  Agent agent;
  agent.config.max_steps = 3;
  agent.loop = std::make_unique<AgentLoop>(agent.config, agent.model, *agent.tools, agent.memory, agent.metrics);
  agent.model.script = {calls({{"a", "{}"}})};  // asks for a tool forever
  auto r = agent.run("loop");
  EXPECT_EQ(r.text, "Reached maximum reasoning steps (3)");
  ASSERT_TRUE(r.limit);
  EXPECT_EQ(r.limit->reason, "max_steps");
  EXPECT_EQ(r.steps, 3);
  EXPECT_EQ(agent.model.requests.size(), 3u);
  EXPECT_EQ(r.tool_calls, 3);  // the last step's tools ran; no request followed them
  auto events = agent.recorded();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event_type, T::agent_response);
  EXPECT_EQ(events.back().content.get_string(), "Reached maximum reasoning steps (3)");
}

TEST(AgentLoop, ParallelCallsBothRunAndTheirResultsAreRecordedInCallOrder) {
  // a is slow, b fast: b finishes first, yet a's result comes first everywhere.
  Agent agent({{"a", FakeToolset::Tool::slow(300ms)}, {"b", {}}});
  agent.model.script = {calls({{"a", R"({"x":1})"}, {"b", R"({"y":2})"}}), text("done")};
  auto r = agent.run("both");
  EXPECT_EQ(r.text, "done");
  EXPECT_EQ(r.tool_calls, 2);
  EXPECT_EQ(agent.fake->started, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(agent.fake->finished, (std::vector<std::string>{"b", "a"}));  // they overlapped
  ASSERT_EQ(agent.model.requests.size(), 2u);
  auto results = tool_messages(agent.model.requests[1]);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0], (std::pair<std::string, std::string>{"call_0", R"(a:{"x":1})"}));
  EXPECT_EQ(results[1], (std::pair<std::string, std::string>{"call_1", R"(b:{"y":2})"}));
  EXPECT_EQ(agent.recorded_types(), (std::vector<std::string>{"user_message", "tool_call", "tool_call", "tool_result",
                                                              "tool_result", "agent_response"}));
  auto events = agent.recorded();
  EXPECT_EQ(events[3].content.at("tool").get_string(), "a");
  EXPECT_EQ(events[4].content.at("tool").get_string(), "b");
}

TEST(AgentLoop, ProgressAnnouncesEachCallBeforeItRuns) {
  Agent agent;
  agent.model.script = {calls({{"a", "{}"}, {"nope", "{}"}}), calls({{"b", "{}"}}), text("done")};
  std::vector<std::tuple<int, int, std::string, std::string, std::size_t>> seen;  // + calls started so far
  RunRequest req;
  req.session_id = "s1";
  req.prompt = "tell me as you go";
  auto* fake = agent.fake;
  req.on_progress = [&seen, fake](const ProgressEvent& p) -> net::Task<void> {
    seen.emplace_back(p.step, p.max_steps, p.action, p.target, fake->started.size());
    co_return;
  };
  EXPECT_EQ(agent.run(std::move(req)).text, "done");
  using Seen = decltype(seen)::value_type;
  EXPECT_EQ(seen, (std::vector<Seen>{Seen{1, 5, "tool_call", "a", 0}, Seen{1, 5, "tool_call", "nope", 0},
                                     Seen{2, 5, "tool_call", "b", 1}}));
}

TEST(AgentLoop, ToolErrorsGoBackToTheModelAsTheToolResult) {
  Agent agent({{"a", FakeToolset::Tool::failing("Tool error: division by zero")}});
  agent.model.script = {calls({{"a", "{}"}, {"a", "not json"}}), text("recovered")};
  auto r = agent.run("fail please");
  EXPECT_EQ(r.text, "recovered");
  EXPECT_FALSE(r.failed);
  auto results = tool_messages(agent.model.requests.at(1));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].second, "Tool error: division by zero");
  EXPECT_EQ(results[1].second, "Invalid arguments for tool 'a': expected a JSON object, got: not json");
  EXPECT_EQ(agent.fake->started.size(), 1u);  // invalid arguments never reach the tool
}

TEST(AgentLoop, AnUnknownToolIsAnsweredWithTheAvailableOnes) {
  Agent agent;
  agent.model.script = {calls({{"nope", "{}"}}), text("ok")};
  auto r = agent.run("call something");
  EXPECT_EQ(r.text, "ok");
  auto results = tool_messages(agent.model.requests.at(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].second, "Unknown tool 'nope'. Available tools: a, b");
  EXPECT_TRUE(agent.fake->started.empty());
  auto events = agent.recorded();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[1].event_type, T::tool_call);
  EXPECT_EQ(events[1].content.at("tool").get_string(), "nope");
}

TEST(AgentLoop, AModelErrorFailsTheRunAndIsRecorded) {
  Agent agent;
  agent.model.script = {Result<ModelReply>(Error::io("connection refused"))};
  auto r = agent.run("hi");
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.text, "Sorry, I encountered an error: connection refused");
  EXPECT_EQ(agent.recorded_types(), (std::vector<std::string>{"user_message", "error"}));
}

TEST(AgentLoop, ToolCallBudgetStopsTheCallsPastIt) {
  Agent agent;
  agent.model.script = {calls({{"a", "{}"}, {"b", "{}"}, {"a", "{}"}}), text("unreachable")};
  UsageLimits limits = agent.loop->run_limits();
  limits.max_tool_calls = 2;
  Usage usage;
  RunRequest req;
  req.session_id = "s1";
  req.prompt = "three calls";
  req.usage = &usage;
  req.limits = &limits;
  auto r = agent.run(std::move(req));
  ASSERT_TRUE(r.limit);
  EXPECT_EQ(r.limit->reason, "max_tool_calls");
  EXPECT_FALSE(r.limit->per_run);
  EXPECT_EQ(r.text, "Budget exhausted: max_tool_calls (2) reached");
  EXPECT_EQ(r.tool_calls, 2);
  EXPECT_EQ(usage.tool_calls, 2);
  EXPECT_EQ(agent.fake->started, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(agent.model.requests.size(), 1u);
  EXPECT_EQ(agent.recorded_types(), (std::vector<std::string>{"user_message", "tool_call", "tool_call", "tool_result",
                                                              "tool_result", "agent_response"}));

  // The next run of the same usage does not start: no request, nothing recorded.
  RunRequest next;
  next.session_id = "s2";
  next.prompt = "again";
  next.usage = &usage;
  next.limits = &limits;
  auto r2 = agent.run(std::move(next));
  ASSERT_TRUE(r2.limit);
  EXPECT_EQ(r2.limit->reason, "max_tool_calls");
  EXPECT_EQ(r2.steps, 0);
  EXPECT_EQ(agent.model.requests.size(), 1u);
  EXPECT_TRUE(agent.recorded("s2").empty());
}

TEST(AgentLoop, TokenBudgetStopsTheNextModelRequest) {
  Agent agent;
  auto first = calls({{"a", "{}"}});
  first.usage = {60, 50};
  first.has_usage = true;
  agent.model.script = {first, text("unreachable")};
  UsageLimits limits = agent.loop->run_limits();
  limits.max_total_tokens = 100;
  RunRequest req;
  req.session_id = "s1";
  req.prompt = "spend";
  req.limits = &limits;
  auto r = agent.run(std::move(req));
  ASSERT_TRUE(r.limit);
  EXPECT_EQ(r.limit->reason, "max_total_tokens");
  EXPECT_EQ(r.limit->data.at("total_tokens").as_int64(), 110);
  EXPECT_EQ(agent.model.requests.size(), 1u);
  EXPECT_EQ(r.tool_calls, 1);  // the call of the first reply ran
}

TEST(AgentLoop, WallTimeBudgetStopsBeforeTheModelAndBeforeTools) {
  Agent agent;
  agent.model.script = {calls({{"a", "{}"}}), text("unreachable")};
  UsageLimits limits = agent.loop->run_limits();
  limits.max_runtime_seconds = 1;
  Usage usage;
  usage.started -= 2s;  // the task began two seconds ago
  RunRequest req;
  req.session_id = "s1";
  req.prompt = "late";
  req.usage = &usage;
  req.limits = &limits;
  auto r = agent.run(std::move(req));
  ASSERT_TRUE(r.limit);
  EXPECT_EQ(r.limit->reason, "max_runtime_seconds");
  EXPECT_EQ(r.text, "Budget exhausted: max_runtime_seconds (1) reached");
  EXPECT_TRUE(agent.model.requests.empty());

  // Time runs out while the model answers: its tool call is not started. (The run starts with
  // the whole second left, a full second of slack for a loaded machine, and the model's answer
  // takes 1.5 s.)
  Agent slow;
  slow.model.delay = 1500ms;
  slow.model.script = {calls({{"a", "{}"}}), text("unreachable")};
  Usage fresh;
  RunRequest req2;
  req2.session_id = "s1";
  req2.prompt = "slow";
  req2.usage = &fresh;
  req2.limits = &limits;
  auto r2 = slow.run(std::move(req2));
  ASSERT_TRUE(r2.limit);
  EXPECT_EQ(r2.limit->reason, "max_runtime_seconds");
  EXPECT_EQ(slow.model.requests.size(), 1u);
  EXPECT_TRUE(slow.fake->started.empty());
  EXPECT_EQ(r2.tool_calls, 0);
}

TEST(AgentLoop, CancellationMidRunRecordsNothing) {
  Agent agent({{"a", FakeToolset::Tool::blocking()}});
  agent.model.script = {calls({{"a", "{}"}}), text("unreachable")};
  RunRequest req;
  req.session_id = "s1";
  req.prompt = "wait forever";
  boost::asio::cancellation_signal cancel;
  Flag ended;
  std::exception_ptr error;
  boost::asio::co_spawn(agent.io.executor(), agent.loop->run(std::move(req)),
                        boost::asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, RunResult) {
                          error = e;
                          ended.set();
                        }));
  ASSERT_TRUE(agent.fake->blocked.wait());
  boost::asio::post(agent.io.executor(), [&] { cancel.emit(boost::asio::cancellation_type::terminal); });
  ASSERT_TRUE(ended.wait());
  EXPECT_TRUE(error);  // the run was aborted, not answered
  EXPECT_TRUE(agent.fake->finished.empty());
  EXPECT_EQ(agent.model.requests.size(), 1u);
  EXPECT_TRUE(agent.recorded().empty());
}

TEST(CombinedToolset, TheFirstToolOfANameWinsAndTheCatalogueIsShared) {
  Agent agent;
  auto second = std::make_unique<FakeToolset>();
  second->tools = {{"b", {}}, {"c", {}}};
  std::vector<std::unique_ptr<Toolset>> members;
  auto first = std::make_unique<FakeToolset>();
  first->tools = {{"a", {}}, {"b", {}}};
  auto* first_ptr = first.get();
  members.push_back(std::move(first));
  members.push_back(std::move(second));
  CombinedToolset combined(std::move(members), agent.metrics);
  auto one = agent.io.run(combined.list());
  ASSERT_EQ(one->entries.size(), 3u);
  EXPECT_EQ(one->entries[0].name, "a");
  EXPECT_EQ(one->entries[1].name, "b");
  EXPECT_EQ(one->entries[1].toolset, first_ptr);  // b of the first toolset
  EXPECT_EQ(one->entries[2].name, "c");
  EXPECT_EQ(one->entries[2].kind_name(), "fake");
  EXPECT_EQ(one->definitions.array.size(), 3u);
  auto two = agent.io.run(combined.list());
  EXPECT_EQ(one.get(), two.get());  // nothing changed: the same snapshot, not rebuilt
}

}  // namespace
}  // namespace kaos::agent
