// The stdio bridge against a real child: tests/fixtures/mcp/stdio_server.py (Python 3).
#include <filesystem>

#include "servers/mcp/stdio/stdio_test_support.hpp"

namespace kaos::mcp {
namespace {

using namespace stdio_test;
namespace fs = std::filesystem;

const std::string kFixture = (fs::path(KAOS_SOURCE_DIR) / "tests" / "fixtures" / "mcp" / "stdio_server.py").string();

StdioBridgeOptions fixture_options() {
  StdioBridgeOptions o;
  o.command = {"/usr/bin/python3", kFixture};
  o.shutdown_grace = std::chrono::milliseconds(300);
  return o;
}

struct Bridge {
  Loop loop;
  std::shared_ptr<StdioBridgeStats> stats = std::make_shared<StdioBridgeStats>();
  SessionFactory factory;
  explicit Bridge(StdioBridgeOptions o = fixture_options()) {
    factory = make_stdio_bridge(loop.executor(), std::move(o), stats);
  }
  /// A new session that has answered initialize.
  std::pair<std::shared_ptr<SessionHandler>, std::shared_ptr<RecordingOutbound>> session() {
    auto out = std::make_shared<RecordingOutbound>();
    auto handler = factory(message(initialize_json()), out);
    EXPECT_TRUE(handler.has_value()) << (handler ? "" : handler.error().message);
    if (!handler) return {nullptr, out};
    deliver(loop, **handler, initialize_json());
    auto init = out->response(0);
    EXPECT_EQ(to_json(init.at_pointer("/result/serverInfo/name")), R"("fixture-stdio")") << to_json(init);
    deliver(loop, **handler, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    return {*handler, out};
  }
  pid_t child_pid(SessionHandler& h, RecordingOutbound& out) {
    deliver(loop, h, call_json(900, "pid"));
    auto text = result_text(out.response(900));
    return text.empty() ? -1 : static_cast<pid_t>(std::stol(text));
  }
};

TEST(StdioBridge, InitializeListAndEcho) {
  ASSERT_TRUE(fs::exists(kFixture)) << kFixture;
  Bridge b;
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  deliver(b.loop, *h, R"({"jsonrpc":"2.0","id":"list-1","method":"tools/list"})");
  auto list = out->response("list-1");
  ASSERT_TRUE(list.is_object()) << "no tools/list answer";
  EXPECT_EQ(list.at_pointer("/result/tools").as_array().size(), 11u);
  deliver(b.loop, *h, call_json(2, "echo", R"({"text":"héllo \"quoted\"\nsecond line"})"));
  EXPECT_EQ(result_text(out->response(2)), "héllo \"quoted\"\nsecond line");
  EXPECT_EQ(b.stats->children_started, 1u);
  EXPECT_EQ(b.stats->children_running, 1);
  h->close();
}

TEST(StdioBridge, ProgressGoesToTheRequestWithThatToken) {
  Bridge b;
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  const auto before = b.stats->messages_in.load();
  deliver(b.loop, *h, call_json(1, "hold", "{}", "tok-1"));
  // The loop has two threads: call 2 is delivered only once call 1 is pending, so that call 2
  // is the most recent pending request.
  ASSERT_TRUE(eventually([&] { return b.stats->messages_in.load() > before; }));
  // Call 2 is the most recent pending request, yet progress for tok-1 belongs to call 1.
  deliver(b.loop, *h, call_json(2, "progress", R"({"token":"tok-1"})", "tok-2"));
  ASSERT_EQ(result_text(out->response(2)), "progressed");
  std::vector<std::pair<std::string, json::value>> notes;  // method/token → related
  for (const auto& s : out->all()) {
    if (s.response) continue;
    auto method = std::string(s.message.at("method").as_string());
    if (method == "notifications/progress")
      method += ":" + std::string(s.message.at_pointer("/params/progressToken").as_string());
    notes.emplace_back(method, s.id);
  }
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0], (std::pair<std::string, json::value>{"notifications/progress:tok-1", 1}));
  EXPECT_EQ(notes[1], (std::pair<std::string, json::value>{"notifications/progress:tok-2", 2}));
  // A log line during call 2 travels on call 2's stream (the most recent pending request).
  EXPECT_EQ(notes[2], (std::pair<std::string, json::value>{"notifications/message", 2}));
  deliver(b.loop, *h, call_json(3, "release"));
  EXPECT_EQ(result_text(out->response(1)), "released");
  EXPECT_EQ(result_text(out->response(3)), "release done");
  h->close();
}

TEST(StdioBridge, ServerRequestAndTheClientsAnswer) {
  Bridge b;
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  deliver(b.loop, *h, call_json(5, "sample"));
  json::value request;
  ASSERT_TRUE(out->wait_for([&](const std::vector<Sent>& all) {
    for (const auto& s : all) {
      if (!s.response && s.message.as_object().contains("method") &&
          s.message.at("method") == "sampling/createMessage") {
        request = s.message;
        EXPECT_EQ(s.id, json::value(5)) << "sampling during call 5 must travel on its stream";
        return true;
      }
    }
    return false;
  }));
  EXPECT_EQ(request.at("id"), "srv-1");
  deliver(
      b.loop, *h,
      R"({"jsonrpc":"2.0","id":"srv-1","result":{"role":"assistant","model":"m","content":{"type":"text","text":"hi there"}}})");
  EXPECT_EQ(result_text(out->response(5)), "sampled: hi there");
  h->close();
}

TEST(StdioBridge, NotificationAfterTheAnswerIsSessionWide) {
  Bridge b;
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  deliver(b.loop, *h, call_json(4, "notify_later"));
  ASSERT_TRUE(out->wait_for([](const std::vector<Sent>& all) {
    return !all.empty() && !all.back().response &&
           all.back().message.at("method") == "notifications/tools/list_changed";
  }));
  EXPECT_TRUE(out->all().back().id.is_null());
  h->close();
}

TEST(StdioBridge, LinesThatAreNotJsonRpcAreSkipped) {
  Bridge b;
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  deliver(b.loop, *h, call_json(6, "bad_line"));
  EXPECT_EQ(result_text(out->response(6)), "after bad lines");
  EXPECT_EQ(b.stats->invalid_lines, 2u);
  for (const auto& s : out->all()) EXPECT_FALSE(s.message.as_object().contains("not")) << to_json(s.message);
  h->close();
}

TEST(StdioBridge, CrashAnswersPendingRequestsAndLaterOnes) {
  Bridge b;
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  pid_t pid = b.child_pid(*h, *out);
  ASSERT_GT(pid, 0);
  deliver(b.loop, *h, call_json(1, "hold"));
  deliver(b.loop, *h, call_json(2, "crash"));
  for (int id : {1, 2}) {
    auto r = out->response(id);
    ASSERT_TRUE(r.is_object()) << "request " << id << " was not answered after the crash";
    EXPECT_EQ(r.at_pointer("/error/code"), kStdioServerGone);
    std::string msg(r.at_pointer("/error/message").as_string());
    EXPECT_NE(msg.find("exited with code 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("boom: crash requested"), std::string::npos) << msg;
  }
  deliver(b.loop, *h, call_json(3, "echo", R"({"text":"anyone?"})"));
  auto late = out->response(3);
  ASSERT_TRUE(late.is_object());
  EXPECT_EQ(late.at_pointer("/error/code"), kStdioServerGone);
  EXPECT_TRUE(wait_gone(pid)) << "the crashed child was not reaped";
  EXPECT_EQ(b.stats->children_crashed, 1u);
  EXPECT_EQ(b.stats->children_running, 0);
  h->close();
}

TEST(StdioBridge, CloseKillsTheChildEvenWhenItIgnoresSigterm) {
  auto o = fixture_options();
  o.env = {{"FIXTURE_IGNORE_TERM", "1"}};
  Bridge b(o);
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  pid_t pid = b.child_pid(*h, *out);
  ASSERT_GT(pid, 0);
  deliver(b.loop, *h, call_json(7, "block"));  // stuck: it will not even see stdin's EOF
  ASSERT_TRUE(out->wait_for([](const std::vector<Sent>& all) {
    return !all.empty() && !all.back().response && all.back().message.at_pointer("/params/data") == "blocking";
  }));
  auto t0 = std::chrono::steady_clock::now();
  h->close();
  EXPECT_TRUE(wait_gone(pid)) << "child " << pid << " survived close()";
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(300)) << "it ignores SIGTERM: only SIGKILL, after the grace, stops it";
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(eventually([&] { return b.stats->children_exited == 1u; }));
  EXPECT_EQ(b.stats->children_crashed, 0u);  // a stop at close is not a crash
}

TEST(StdioBridge, MaxSessionsIsEnforcedAndFreedByClose) {
  auto o = fixture_options();
  o.max_sessions = 2;
  Bridge b(o);
  auto [h1, out1] = b.session();
  auto [h2, out2] = b.session();
  ASSERT_TRUE(h1 && h2);
  auto third = b.factory(message(initialize_json()), std::make_shared<RecordingOutbound>());
  ASSERT_FALSE(third.has_value());
  EXPECT_NE(third.error().message.find("all 2 sessions are in use"), std::string::npos) << third.error().message;
  EXPECT_EQ(b.stats->sessions_rejected, 1u);
  // close() frees the slot at once: the transport evicts an idle session and then calls the
  // factory right away for the newcomer.
  h1->close();
  auto again = b.factory(message(initialize_json()), std::make_shared<RecordingOutbound>());
  EXPECT_TRUE(again.has_value()) << (again ? "" : again.error().message);
  if (again) (*again)->close();
  h2->close();
}

TEST(StdioBridge, EnvironmentAndWorkingDirectory) {
  auto o = fixture_options();
  o.env = {{"BRIDGE_TEST_VAR", "from the bridge"}};
  o.working_dir = fs::temp_directory_path().string();
  Bridge b(o);
  auto [h, out] = b.session();
  ASSERT_TRUE(h);
  deliver(b.loop, *h, call_json(8, "env", R"({"name":"BRIDGE_TEST_VAR"})"));
  auto text = result_text(out->response(8));
  EXPECT_EQ(text, "from the bridge\n" + fs::canonical(fs::temp_directory_path()).string());
  h->close();
}

TEST(StdioBridge, StartFailuresNameTheProgram) {
  StdioBridgeOptions missing;
  missing.command = {"kaos-no-such-mcp-server", "--stdio"};
  auto check = check_stdio_command(missing);
  ASSERT_FALSE(check.has_value());
  EXPECT_NE(check.error().message.find("kaos-no-such-mcp-server"), std::string::npos) << check.error().message;
  Bridge b(missing);
  auto r = b.factory(message(initialize_json()), std::make_shared<RecordingOutbound>());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("kaos-no-such-mcp-server"), std::string::npos) << r.error().message;
  EXPECT_EQ(b.stats->sessions_rejected, 1u);

  StdioBridgeOptions none;
  auto empty = check_stdio_command(none);
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("after --"), std::string::npos) << empty.error().message;
  EXPECT_TRUE(check_stdio_command(fixture_options()).has_value());
}

}  // namespace
}  // namespace kaos::mcp
