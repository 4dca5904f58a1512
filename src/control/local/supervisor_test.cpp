// The supervisor's phases driven through a fake Host (fake_host.hpp): no processes, no sockets,
// no real time. Each test runs the io_context on this thread until a condition holds (bounded).
#include "control/local/supervisor.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "control/local/fake_host.hpp"
#include "net/background.hpp"

namespace kaos::local {
namespace {

using namespace std::chrono_literals;
using plan::Phase;
using testing::FakeChild;
using testing::FakeHost;

constexpr std::string_view kModelApi = R"(
apiVersion: kaos.tools/v1alpha1
kind: ModelAPI
metadata: {name: llm}
spec: {mode: Proxy, proxyConfig: {provider: mock, models: ["mock-model"]}}
)";

std::string mcpserver(std::string_view body) {
  return std::string(R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: calc}
spec:
  runtime: python-string
  params: ")") +
         std::string(body) + "\"\n";
}

constexpr std::string_view kAgent = R"(
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec: {modelAPI: llm, model: mock-model, mcpServers: [calc]}
)";

std::string set_of(std::initializer_list<std::string_view> docs) {
  std::string out;
  for (auto d : docs) out += std::string("---") + std::string(d);
  return out;
}

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest() {
    char dir[] = "/tmp/kaos-supervisor-test-XXXXXX";
    state_.root = ::mkdtemp(dir);
    EXPECT_TRUE(state_.ensure());
    host_ = std::make_shared<FakeHost>(ioc_.get_executor());
    SupervisorOptions o;
    o.state = state_;
    o.kaos_binary = "/opt/kaos/bin/kaos";
    o.host = host_;
    sup_ = std::make_unique<Supervisor>(ioc_.get_executor(), std::move(o));
  }

  ~SupervisorTest() override {
    bool stopped = false;
    net::spawn_background(
        ioc_.get_executor(),
        [](Supervisor& s, bool& done) -> net::Task<void> {
          co_await s.stop_all();
          done = true;
        }(*sup_, stopped),
        "test: stop_all");
    EXPECT_TRUE(run_until([&] { return stopped; }));
    ioc_.restart();
    ioc_.run_for(2s);  // returns as soon as every run has ended
    sup_.reset();
    std::filesystem::remove_all(state_.root);
  }

  /// Runs the io_context until `done()` holds; false after 5 s.
  bool run_until(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one_for(10ms);
    }
    return true;
  }

  ApplyResult apply(const std::string& text) {
    auto r = sup_->apply({{"test.yaml", text}}, /*prune=*/true);
    for (const auto& e : r.errors) ADD_FAILURE() << e;
    return r;
  }

  std::optional<WorkloadReport> report(const std::string& id) const {
    for (auto& r : sup_->status())
      if (r.ref.id() == id) return r;
    return std::nullopt;
  }
  bool in_phase(const std::string& id, Phase phase) const {
    auto r = report(id);
    return r && r->status.phase == phase;
  }
  std::uint16_t port_of(const std::string& id) const {
    auto endpoint = report(id)->status.endpoint;
    return static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  }
  /// The main processes launched for `id`, oldest first.
  std::vector<std::shared_ptr<FakeChild>> children_of(const std::string& id) const {
    std::vector<std::shared_ptr<FakeChild>> out;
    for (const auto& l : host_->launches)
      if (l.spec.log_file == state_.log_file(id) && l.spec.capture_stdout) out.push_back(l.child);
    return out;
  }
  std::vector<std::string> event_types(const std::string& id) const {
    std::vector<std::string> out;
    auto described = sup_->describe(id);
    for (const auto& e : described->events) out.push_back(e.type);
    return out;
  }
  std::string action_of(const ApplyResult& r, const std::string& id) const {
    for (const auto& [i, a] : r.actions)
      if (i == id) return a;
    return "";
  }
  void make_ready(const std::string& id) {
    host_->ready[port_of(id)] = true;
    host_->advance(50ms);  // the next startup probe
    ASSERT_TRUE(run_until([&] { return in_phase(id, Phase::Ready); })) << id;
  }

  boost::asio::io_context ioc_;
  StateDir state_;
  std::shared_ptr<FakeHost> host_;
  std::unique_ptr<Supervisor> sup_;
};

TEST_F(SupervisorTest, StartsPendingThenReadyAtTheFirstSuccessfulProbe) {
  apply(set_of({kModelApi}));
  const std::string id = "modelapi/default/llm";
  ASSERT_TRUE(run_until([&] { return children_of(id).size() == 1; }));
  const auto& spec = host_->launches[0].spec;
  EXPECT_EQ(spec.argv[0], "/opt/kaos/bin/kaos");                   // "kaos" is this program
  EXPECT_EQ(spec.argv[3], state_.files_dir(id) + "/config.yaml");  // {files} substituted
  EXPECT_TRUE(spec.isolated);
  EXPECT_TRUE(std::filesystem::exists(state_.files_dir(id) + "/config.yaml"));

  ASSERT_TRUE(run_until([&] { return host_->pending_sleeps() == std::vector{50ms}; }));
  auto r = report(id);
  EXPECT_EQ(r->status.phase, Phase::Pending);
  EXPECT_FALSE(r->status.ready);
  EXPECT_EQ(r->status.message, "started, waiting for readiness");
  EXPECT_EQ(r->pid, children_of(id)[0]->pid());

  make_ready(id);
  r = report(id);
  EXPECT_TRUE(r->status.ready);
  EXPECT_EQ(r->status.message, "ready on port " + std::to_string(port_of(id)));
  EXPECT_EQ(event_types(id), (std::vector<std::string>{"Started", "Ready"}));
}

TEST_F(SupervisorTest, AFailingProbeAfterReadyIsNotReadyUntilItPassesAgain) {
  apply(set_of({kModelApi}));
  const std::string id = "modelapi/default/llm";
  ASSERT_TRUE(run_until([&] { return children_of(id).size() == 1; }));
  make_ready(id);

  host_->ready[port_of(id)] = false;
  ASSERT_TRUE(run_until([&] { return host_->pending_sleeps() == std::vector<std::chrono::milliseconds>{5s}; }));
  host_->advance_to_next();  // one probe period (the gateway's: 5 s)
  ASSERT_TRUE(run_until([&] { return in_phase(id, Phase::Pending); }));
  EXPECT_EQ(report(id)->status.message, "readiness probe failing");
  EXPECT_EQ(event_types(id).back(), "NotReady");

  host_->ready[port_of(id)] = true;
  ASSERT_TRUE(run_until([&] { return !host_->pending_sleeps().empty(); }));
  host_->advance_to_next();
  ASSERT_TRUE(run_until([&] { return in_phase(id, Phase::Ready); }));
  EXPECT_EQ(children_of(id).size(), 1u);  // readiness never restarts the process
}

TEST_F(SupervisorTest, RestartsAfterEachExitOnTheBackoffSchedule) {
  apply(set_of({kModelApi}));
  const std::string id = "modelapi/default/llm";
  const std::vector<std::chrono::milliseconds> schedule{1s, 2s, 4s, 8s, 16s, 30s, 30s};
  for (std::size_t n = 1; n <= schedule.size(); ++n) {
    ASSERT_TRUE(run_until([&] { return children_of(id).size() == n; })) << n;
    children_of(id).back()->exit(3);
    ASSERT_TRUE(run_until([&] { return host_->pending_sleeps() == std::vector{schedule[n - 1]}; })) << "restart " << n;
    auto r = report(id);
    EXPECT_EQ(r->status.phase, Phase::Pending);
    EXPECT_EQ(r->status.restarts, static_cast<int>(n));
    EXPECT_EQ(r->pid, 0);  // nothing runs while it backs off
    const auto seconds = std::to_string(schedule[n - 1].count() / 1000);
    EXPECT_EQ(r->status.message, "exited with code 3; restarting in " + seconds + " s (restart " + std::to_string(n) +
                                     ", log " + state_.log_file(id) + ")");
    host_->advance(schedule[n - 1]);
  }
  ASSERT_TRUE(run_until([&] { return children_of(id).size() == schedule.size() + 1; }));
  ASSERT_TRUE(run_until([&] { return report(id)->pid != 0; }));
  EXPECT_EQ(report(id)->status.message, "restarted (7), waiting for readiness");
  auto types = event_types(id);
  ASSERT_GE(types.size(), 4u);
  EXPECT_EQ(std::vector(types.begin(), types.begin() + 4),
            (std::vector<std::string>{"Started", "Exited", "Restarting", "Started"}));
  EXPECT_EQ(std::count(types.begin(), types.end(), "Restarting"), 7);
}

TEST_F(SupervisorTest, AProgramThatCannotStartIsFailedWithTheReason) {
  host_->refuse = [](const LaunchSpec&) { return std::optional(Error::io("'kaos': no such file")); };
  apply(set_of({kModelApi}));
  const std::string id = "modelapi/default/llm";
  ASSERT_TRUE(run_until([&] { return in_phase(id, Phase::Failed); }));
  EXPECT_EQ(report(id)->status.message, "'kaos': no such file");
  EXPECT_EQ(event_types(id), (std::vector<std::string>{"Failed"}));
  EXPECT_TRUE(host_->pending_sleeps().empty());  // no restart loop for a start that cannot work

  // The same set again retries it (the cause may be fixed now).
  host_->refuse = nullptr;
  auto again = apply(set_of({kModelApi}));
  EXPECT_EQ(action_of(again, id), "configured");
  ASSERT_TRUE(run_until([&] { return children_of(id).size() == 1; }));
  EXPECT_EQ(sup_->describe(id)->events[1].message, "retrying after the failure");
}

TEST_F(SupervisorTest, WaitsForDependenciesUntilTheyAreReady) {
  apply(set_of({kModelApi, mcpserver("def add(a: int, b: int) -> int:\\n    return a + b\\n"), kAgent}));
  const std::string agent = "agent/default/a";
  ASSERT_TRUE(run_until([&] { return in_phase(agent, Phase::Waiting); }));
  EXPECT_EQ(report(agent)->status.message, "ModelAPI llm is not ready");
  EXPECT_EQ(report(agent)->status.reason, plan::kReasonDependencyNotReady);
  EXPECT_FALSE(plan::waits_for_good(Phase::Waiting, report(agent)->status.reason));
  ASSERT_TRUE(run_until([&] { return children_of("mcpserver/default/calc").size() == 1; }));

  make_ready("modelapi/default/llm");
  ASSERT_TRUE(run_until([&] { return report(agent)->status.message == "MCPServer calc is not ready"; }));
  EXPECT_TRUE(children_of(agent).empty());

  make_ready("mcpserver/default/calc");
  ASSERT_TRUE(run_until([&] { return children_of(agent).size() == 1; }));
  EXPECT_EQ(report(agent)->status.phase, Phase::Pending);
  make_ready(agent);
}

constexpr std::string_view kStore = R"(
apiVersion: kaos.tools/v1alpha1
kind: MemoryStore
metadata: {name: team}
spec:
  storage: {type: local}
  models: {summarization: {modelAPI: llm, model: mock-model}, embedding: {modelAPI: llm, model: mock-model}}
)";

std::string memory_agent(std::string_view extra) {
  return std::string(R"(
apiVersion: kaos.tools/v1alpha1
kind: Agent
metadata: {name: a}
spec:
  modelAPI: llm
  model: mock-model
  config: {memory: {memoryStore: team}}
)") + std::string(extra);
}

TEST_F(SupervisorTest, AnAgentWaitsForItsMemoryStoreWhichRunsNothingHere) {
  apply(set_of({kModelApi, kStore, memory_agent("")}));
  const std::string store = "memorystore/default/team", agent = "agent/default/a";
  ASSERT_TRUE(run_until([&] { return in_phase(store, Phase::Failed); }));
  EXPECT_NE(report(store)->status.message.find("no local implementation"), std::string::npos);
  EXPECT_EQ(report(store)->status.endpoint, "");
  EXPECT_TRUE(children_of(store).empty());
  make_ready("modelapi/default/llm");
  ASSERT_TRUE(run_until([&] { return report(agent)->status.message == "MemoryStore team failed"; }));
  EXPECT_EQ(report(agent)->status.phase, Phase::Waiting);
  EXPECT_TRUE(plan::waits_for_good(Phase::Waiting, report(agent)->status.reason));
  EXPECT_TRUE(children_of(agent).empty());
  ASSERT_EQ(report(agent)->status.conditions.size(), 1u);
  EXPECT_EQ(report(agent)->status.conditions[0].type, "MemoryDegraded");
  EXPECT_EQ(report(agent)->status.conditions[0].status, "True");
}

TEST_F(SupervisorTest, WithoutWaitingAMemoryAgentRunsDegraded) {
  apply(set_of({kModelApi, kStore, memory_agent("  waitForDependencies: false\n")}));
  const std::string agent = "agent/default/a";
  ASSERT_TRUE(run_until([&] { return children_of(agent).size() == 1; }));
  make_ready(agent);
  ASSERT_TRUE(run_until([&] { return in_phase(agent, Phase::Ready); }));
  const auto conditions = report(agent)->status.conditions;
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].type, "MemoryDegraded");
  EXPECT_EQ(conditions[0].status, "True");
  EXPECT_EQ(conditions[0].reason, "MemoryStoreNotReady");
  EXPECT_EQ(conditions[0].message, "MemoryStore team is not ready");
  EXPECT_FALSE(conditions[0].last_transition_time.empty());

  // The store leaves the set: the condition says so, with a new transition time.
  apply(set_of({kModelApi, memory_agent("  waitForDependencies: false\n")}));
  ASSERT_TRUE(run_until([&] {
    auto c = report(agent)->status.conditions;
    return !c.empty() && c[0].message == "MemoryStore team not found";
  }));
}

TEST_F(SupervisorTest, AFailedDependencySaysSo) {
  host_->refuse = [](const LaunchSpec& spec) -> std::optional<Error> {
    if (spec.log_file.find("mcpserver") != std::string::npos) return Error::io("python missing");
    return std::nullopt;
  };
  apply(set_of({kModelApi, mcpserver("def f() -> int:\\n    return 1\\n"), kAgent}));
  ASSERT_TRUE(run_until([&] { return in_phase("mcpserver/default/calc", Phase::Failed); }));
  make_ready("modelapi/default/llm");
  ASSERT_TRUE(run_until([&] { return report("agent/default/a")->status.message == "MCPServer calc failed"; }));
  EXPECT_EQ(report("agent/default/a")->status.phase, Phase::Waiting);
  EXPECT_EQ(report("agent/default/a")->status.reason, plan::kReasonDependencyFailed);
  EXPECT_TRUE(plan::waits_for_good(Phase::Waiting, report("agent/default/a")->status.reason));
}

TEST_F(SupervisorTest, ReapplyRestartsOnlyWhatChanged) {
  const auto v1 = set_of({kModelApi, mcpserver("def f() -> int:\\n    return 1\\n"), kAgent});
  apply(v1);
  for (auto id : {"modelapi/default/llm", "mcpserver/default/calc"}) {
    ASSERT_TRUE(run_until([&] { return children_of(id).size() == 1; }));
    make_ready(id);
  }
  ASSERT_TRUE(run_until([&] { return children_of("agent/default/a").size() == 1; }));
  make_ready("agent/default/a");

  auto same = apply(v1);
  for (const auto& [id, action] : same.actions) EXPECT_EQ(action, "unchanged") << id;
  EXPECT_EQ(host_->launches.size(), 3u);

  auto changed = apply(set_of({kModelApi, mcpserver("def f() -> int:\\n    return 2\\n"), kAgent}));
  EXPECT_EQ(action_of(changed, "mcpserver/default/calc"), "configured");
  EXPECT_EQ(action_of(changed, "modelapi/default/llm"), "unchanged");
  EXPECT_EQ(action_of(changed, "agent/default/a"), "unchanged");
  ASSERT_TRUE(run_until([&] { return children_of("mcpserver/default/calc").size() == 2; }));
  EXPECT_TRUE(children_of("mcpserver/default/calc")[0]->terminated());  // the old one stopped first
  EXPECT_TRUE(children_of("modelapi/default/llm")[0]->running());
  EXPECT_TRUE(children_of("agent/default/a")[0]->running());
  EXPECT_EQ(children_of("agent/default/a").size(), 1u);
  EXPECT_EQ(report("agent/default/a")->status.phase, Phase::Ready);

  // Pruned from the set: stopped and gone.
  auto pruned = apply(set_of({kModelApi}));
  EXPECT_EQ(action_of(pruned, "agent/default/a"), "deleted");
  EXPECT_FALSE(report("agent/default/a"));
  EXPECT_TRUE(run_until([&] { return children_of("agent/default/a")[0]->terminated(); }));
}

TEST_F(SupervisorTest, ThePlanAloneCanDecideTheStatus) {
  apply(set_of({R"(
apiVersion: kaos.tools/v1alpha1
kind: MCPServer
metadata: {name: img}
spec: {runtime: custom, container: {image: me/server:1}}
)"}));
  ASSERT_TRUE(run_until([&] { return in_phase("mcpserver/default/img", Phase::Failed); }));
  EXPECT_NE(report("mcpserver/default/img")->status.message.find("runtime custom needs a local command"),
            std::string::npos);
  EXPECT_TRUE(host_->launches.empty());
}

}  // namespace
}  // namespace kaos::local
