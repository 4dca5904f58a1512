// TaskManager's autonomous tasks over a real AgentLoop with DEBUG_MOCK_RESPONSES: the budgets
// are the loop's usage limits, and the task reports them as KAOS does.
#include "servers/agent/tasks.hpp"

#include <gtest/gtest.h>

#include "net/testing.hpp"
#include "servers/agent/memory/local_memory.hpp"

namespace kaos::agent {
namespace {

const std::string kCall = R"({"tool_calls":[{"name":"x","arguments":{}}]})";
const std::string kThreeCalls =
    R"({"tool_calls":[{"id":"1","name":"x","arguments":{}},{"id":"2","name":"x","arguments":{}},)"
    R"({"id":"3","name":"x","arguments":{}}]})";

struct Tasks {
  net::testing::Loop io;
  AgentConfig config;
  telemetry::Registry registry;
  AgentMetrics metrics{registry};
  std::unique_ptr<Model> model;
  CombinedToolset tools{{}, metrics};
  LocalMemory memory;
  std::unique_ptr<AgentLoop> loop;
  std::unique_ptr<TaskManager> tasks;

  explicit Tasks(std::vector<std::string> responses, TaskStoreOptions options = {}) {
    config.name = "unit";
    config.max_steps = 2;
    config.mock_responses = std::move(responses);
    model = make_model(config, nullptr);
    loop = std::make_unique<AgentLoop>(config, *model, tools, memory, metrics);
    tasks = std::make_unique<TaskManager>(io.executor(), config, *loop, metrics, options);
  }
  ~Tasks() {
    io.run([](TaskManager& t) -> net::Task<void> {
      t.stop_all();
      co_return;
    }(*tasks));
  }

  a2a::Task run_autonomous(a2a::Budgets budgets) {
    a2a::SendParams p;
    p.text = "reach the goal";
    p.context_id = "ctx";
    p.autonomous = true;
    p.budgets = budgets;
    return *io.run([](TaskManager& t, a2a::SendParams p) -> net::Task<std::optional<a2a::Task>> {
      auto created = t.submit(p, {}, 0);
      co_return co_await t.wait_done(created.id);
    }(*tasks, std::move(p)));
  }
  std::vector<std::string> prompts() {
    std::vector<std::string> out;
    auto events = io.run(memory.events("ctx", 100)).value();
    for (const auto& e : events)
      if (e.event_type == MemoryEventType::user_message) out.emplace_back(e.content.get_string());
    return out;
  }
};

std::vector<std::string> event_types(const a2a::Task& t) {
  std::vector<std::string> out;
  for (const auto& e : t.events) out.push_back(e.type);
  return out;
}

std::vector<const a2a::TaskEvent*> exhausted(const a2a::Task& t) {
  std::vector<const a2a::TaskEvent*> out;
  for (const auto& e : t.events)
    if (e.type == "autonomous.budget.exhausted") out.push_back(&e);
  return out;
}

a2a::Budgets unlimited() {
  return {0, 0, 0, 0};
}

TEST(TaskStore, KeptTasksAreBoundedByBytesOldestFinishedFirst) {
  TaskStoreOptions options;
  options.max_bytes = 500'000;
  Tasks t({"done"}, options);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    a2a::SendParams p;
    p.text = std::string(100'000, static_cast<char>('a' + i));
    ids.push_back(*t.io.run([](TaskManager& m, a2a::SendParams p) -> net::Task<std::optional<std::string>> {
      auto id = m.submit(p, {}, 0).id;
      co_await m.wait_done(id);
      co_return id;
    }(*t.tasks, std::move(p))));
  }
  std::size_t total = 0;
  auto kept = t.tasks->list("", std::nullopt, 100, &total);
  std::size_t bytes = 0;
  for (const auto& task : kept) bytes += task_bytes(task);
  // Eviction runs before each submit: what is kept fits the limit plus the newest task.
  EXPECT_LE(bytes, options.max_bytes + task_bytes(kept.front()));
  EXPECT_LT(kept.size(), 20u);
  EXPECT_GE(kept.size(), 4u);
  EXPECT_TRUE(t.tasks->get(ids.back()));    // the newest stay
  EXPECT_FALSE(t.tasks->get(ids.front()));  // the oldest went
  EXPECT_GT(task_bytes(kept.front()), 100'000u);
}

// The answer to a send is taken before the run begins, even with a model that never suspends
// (the mock): an interactive task is `submitted`, an autonomous one already `working`.
TEST(Submit, AnswersBeforeTheRunBegins) {
  Tasks t({"done at once"});
  auto got = t.io.run([](TaskManager& m) -> net::Task<std::pair<a2a::Task, a2a::Task>> {
    a2a::SendParams interactive;
    interactive.text = "hi";
    auto created = m.submit(interactive, {}, 0);
    auto later = co_await m.wait_done(created.id);
    co_return std::make_pair(created, *later);
  }(*t.tasks));
  EXPECT_EQ(got.first.state, a2a::TaskState::submitted);
  EXPECT_EQ(event_types(got.first), std::vector<std::string>{"task.submitted"});
  EXPECT_FALSE(got.first.status_message);
  EXPECT_EQ(got.second.state, a2a::TaskState::completed);
  EXPECT_EQ(got.second.output, "done at once");
  ASSERT_TRUE(got.second.status_message);
  EXPECT_EQ(got.second.status_message->text, "Done");

  auto autonomous = t.io.run([](TaskManager& m) -> net::Task<a2a::Task> {
    a2a::SendParams p;
    p.text = "goal";
    p.autonomous = true;
    auto created = m.submit(p, {}, 0);
    co_await m.wait_done(created.id);
    co_return created;
  }(*t.tasks));
  EXPECT_EQ(autonomous.state, a2a::TaskState::working);
  EXPECT_EQ(event_types(autonomous), (std::vector<std::string>{"task.submitted", "task.working"}));
  ASSERT_TRUE(autonomous.status_message);
  EXPECT_EQ(autonomous.status_message->text, "Autonomous execution started");
}

// KAOS's iteration events (0-based), as its autonomous e2e test reads them: two iterations, the
// second without tool calls, completes the task.
TEST(AutonomousTask, IterationsAreAnnouncedAndReported) {
  Tasks t({kCall, "Still working on the goal.", "Goal fully achieved."});
  auto task = t.run_autonomous(unlimited());
  EXPECT_EQ(task.state, a2a::TaskState::completed);
  EXPECT_EQ(event_types(task),
            (std::vector<std::string>{"task.submitted", "task.working", "autonomous.iteration.started",
                                      "autonomous.iteration.completed", "autonomous.iteration.started",
                                      "autonomous.iteration.completed", "task.completed"}));
  EXPECT_EQ(task.events[2].data.at("iteration").as_int64(), 0);
  EXPECT_EQ(task.events[3].data.at("iteration").as_int64(), 0);
  EXPECT_EQ(task.events[3].data.at("response_preview").get_string(), "Still working on the goal.");
  EXPECT_EQ(task.events[4].data.at("iteration").as_int64(), 1);
  EXPECT_EQ(task.events[5].data.at("response_preview").get_string(), "Goal fully achieved.");
  EXPECT_EQ(task.status_message->text, "Done");
}

// KAOS checks the budget before an iteration: with maxIterations 1 the second iteration is never
// announced; the task ends with autonomous.budget.exhausted (its e2e test: one iteration start).
TEST(AutonomousTask, AnIterationTheBudgetRefusesIsNotAnnounced) {
  Tasks t({kCall, "text", kCall, "text"});
  auto budgets = unlimited();
  budgets.max_iterations = 1;
  auto task = t.run_autonomous(budgets);
  EXPECT_EQ(task.state, a2a::TaskState::completed);
  EXPECT_EQ(event_types(task), (std::vector<std::string>{
                                   "task.submitted", "task.working", "autonomous.iteration.started",
                                   "autonomous.iteration.completed", "autonomous.budget.exhausted", "task.completed"}));
  EXPECT_EQ(task.output, "Budget exhausted: max_iterations (1) reached");
}

TEST(AutonomousTask, MaxIterationsCompletesTheTaskAsExhausted) {
  Tasks t(std::vector<std::string>(10, kCall));  // tools forever: each iteration hits the step limit
  auto budgets = unlimited();
  budgets.max_iterations = 2;
  auto task = t.run_autonomous(budgets);
  EXPECT_EQ(task.state, a2a::TaskState::completed);
  EXPECT_EQ(task.output, "Budget exhausted: max_iterations (2) reached");
  auto ev = exhausted(task);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]->data.at("reason").get_string(), "max_iterations");
  EXPECT_EQ(ev[0]->data.at("iterations").as_int64(), 2);
  // Two iterations ran (the goal, then KAOS's follow-up); the third never started.
  EXPECT_EQ(t.prompts(), (std::vector<std::string>{
                             "reach the goal",
                             "Continue working toward the goal. This is iteration 1. Review your progress and decide "
                             "next steps. If the goal is fully achieved, respond with your final answer without "
                             "making any tool calls."}));
}

TEST(AutonomousTask, AnIterationWithoutToolCallsCompletesIt) {
  Tasks t({kCall, "step one", "final answer", "unreachable"});
  auto task = t.run_autonomous(unlimited());
  EXPECT_EQ(task.state, a2a::TaskState::completed);
  EXPECT_EQ(task.output, "final answer");
  EXPECT_TRUE(exhausted(task).empty());
  EXPECT_EQ(t.prompts().size(), 2u);
}

TEST(AutonomousTask, MaxToolCallsStopsTheCallPastTheBudget) {
  Tasks t({kThreeCalls, "unreachable"});
  auto budgets = unlimited();
  budgets.max_tool_calls = 2;
  auto task = t.run_autonomous(budgets);
  EXPECT_EQ(task.state, a2a::TaskState::completed);
  EXPECT_EQ(task.output, "Budget exhausted: max_tool_calls (2) reached");
  auto ev = exhausted(task);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]->data.at("reason").get_string(), "max_tool_calls");
  EXPECT_EQ(ev[0]->data.at("total_tool_calls").as_int64(), 2);
}

}  // namespace
}  // namespace kaos::agent
