// python-string pool fairness and cleanup with real workers: a bounded queue with a deadline
// (busy errors that name the variable to raise), cancellation of waiting and running calls
// (the running worker is killed), the pool size default, and the sweep of scratch directories
// left by dead servers.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "servers/mcp/python/owned_dirs.hpp"
#include "servers/mcp/python/python_test_support.hpp"

namespace kaos::mcp {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using python_test::call;
using python_test::Loop;
using python_test::text_of;
using Clock = std::chrono::steady_clock;

constexpr const char* kTools = R"PY(
import os

def spin(marker: str = ""):
    if marker:
        open(marker, "w").close()
    while True:
        pass

def add(a: int, b: int) -> int:
    return a + b
)PY";

template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds limit = 10s) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

bool pid_alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  return paren != std::string::npos && text.size() > paren + 2 && text[paren + 2] != 'Z';
}

// The live kaos-python-worker children of this test process.
std::vector<pid_t> worker_children() {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto paren = text.rfind(')');
    if (paren == std::string::npos || text.find("(kaos-python-wor") == std::string::npos) continue;
    std::istringstream rest(text.substr(paren + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid() && state != 'Z') out.push_back(std::stoi(name));
  }
  return out;
}

// Where tools leave markers (writable for them: MCP_SANDBOX_WRITABLE_PATHS).
std::string marker_dir() {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("kaos-pool-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    // Tool code runs as uid 65534 (the sandbox): the markers' directory must be writable by it.
    std::filesystem::permissions(d, std::filesystem::perms::all);
    return d.string();
  }();
  return dir;
}

PythonRuntimeOptions one_worker(std::chrono::milliseconds queue_timeout, std::size_t queue_limit = 64) {
  auto o = python_test::options(kTools);
  o.writable_paths = {marker_dir()};
  o.workers = 1;
  o.queue_timeout = queue_timeout;
  o.queue_limit = queue_limit;
  o.call_timeout = 20s;
  return o;
}

using Pending = std::future<ToolResult>;

Pending start_call(Loop& loop, PythonRuntime& rt, std::string name, json::object args,
                   asio::cancellation_signal& cancel) {
  return asio::co_spawn(loop.executor(), rt.call(std::move(name), std::move(args)),
                        asio::bind_cancellation_slot(cancel.slot(), asio::use_future));
}

void cancel_now(Loop& loop, asio::cancellation_signal& cancel) {
  asio::post(loop.executor(), [&cancel] { cancel.emit(asio::cancellation_type::terminal); });
}

// A cancelled call ends with an error result or with operation_aborted (the MCP server then
// sends no answer); both are a cancellation.
bool ended_cancelled(Pending& p) {
  if (p.wait_for(10s) != std::future_status::ready) return false;
  try {
    auto r = p.get();
    return r.is_error && text_of(r).find("cancelled") != std::string::npos;
  } catch (const boost::system::system_error& e) {
    return e.code() == asio::error::operation_aborted;
  }
}

std::string marker_path(const char* what) {
  return marker_dir() + "/" + what;
}

// The fairness test of issue 11: one worker, three spinning calls, then `add`. `add` is
// answered within the queue deadline or refused with a busy error naming the variable.
TEST(PythonFairness, SpinningCallsDelayAnotherOnlyUpToTheQueueDeadline) {
  Loop loop;
  auto rt = python_test::start(loop, one_worker(1s));
  ASSERT_TRUE(rt);
  auto marker = marker_path("spin");
  std::filesystem::remove(marker);
  std::vector<asio::cancellation_signal> cancels(3);
  std::vector<Pending> spins;
  spins.push_back(start_call(loop, *rt, "spin", {{"marker", marker}}, cancels[0]));
  ASSERT_TRUE(poll_until([&] { return std::filesystem::exists(marker); })) << "the first spin never ran";
  for (int i = 1; i < 3; ++i) spins.push_back(start_call(loop, *rt, "spin", {}, cancels[i]));
  auto before = Clock::now();
  auto add = call(loop, *rt, "add", {{"a", 2}, {"b", 3}});
  auto waited = Clock::now() - before;
  EXPECT_LT(waited, 4s) << "add waited past the 1 s queue deadline";
  if (!add.is_error) {
    EXPECT_EQ(text_of(add), "5");
  } else {
    EXPECT_NE(text_of(add).find("tool 'add' could not run: busy: waited 1 s (MCP_PYTHON_QUEUE_TIMEOUT_SECONDS)"),
              std::string::npos)
        << text_of(add);
    EXPECT_NE(text_of(add).find("raise MCP_PYTHON_WORKERS or MCP_PYTHON_QUEUE_TIMEOUT_SECONDS"), std::string::npos);
  }
  for (int i = 1; i < 3; ++i) {  // the queued spins hit the same deadline
    ASSERT_EQ(spins[i].wait_for(10s), std::future_status::ready);
    EXPECT_NE(text_of(spins[i].get()).find("busy: waited 1 s"), std::string::npos);
  }
  cancel_now(loop, cancels[0]);
  EXPECT_TRUE(ended_cancelled(spins[0]));
  std::filesystem::remove(marker);
}

TEST(PythonFairness, AFullQueueRefusesAtOnceNamingTheLimit) {
  Loop loop;
  auto rt = python_test::start(loop, one_worker(30s, 1));
  ASSERT_TRUE(rt);
  auto marker = marker_path("full");
  std::filesystem::remove(marker);
  asio::cancellation_signal running_cancel, waiting_cancel;
  auto running = start_call(loop, *rt, "spin", {{"marker", marker}}, running_cancel);
  ASSERT_TRUE(poll_until([&] { return std::filesystem::exists(marker); }));
  auto waiting = start_call(loop, *rt, "add", {{"a", 1}, {"b", 1}}, waiting_cancel);
  ASSERT_TRUE(poll_until([&] { return rt->calls_waiting() == 1; }));
  auto before = Clock::now();
  auto refused = call(loop, *rt, "add", {{"a", 2}, {"b", 3}});
  EXPECT_LT(Clock::now() - before, 2s);
  EXPECT_TRUE(refused.is_error);
  EXPECT_EQ(text_of(refused),
            "tool 'add' could not run: busy: 1 call is running and 1 waiting, the most allowed "
            "(MCP_PYTHON_QUEUE=1); retry later, or raise MCP_PYTHON_WORKERS or MCP_PYTHON_QUEUE");
  // Cancelling the running call hands its (new) worker to the waiting one, in order.
  cancel_now(loop, running_cancel);
  EXPECT_TRUE(ended_cancelled(running));
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(text_of(waiting.get()), "2");
  std::filesystem::remove(marker);
}

// A caller that goes away (notifications/cancelled, a closed session) frees what it held: a
// waiting call leaves the queue; a running one loses its worker, which is killed.
TEST(PythonFairness, CancellingWaitingAndRunningCallsFreesTheSlot) {
  Loop loop;
  auto rt = python_test::start(loop, one_worker(30s));
  ASSERT_TRUE(rt);
  auto marker = marker_path("cancel");
  std::filesystem::remove(marker);
  asio::cancellation_signal running_cancel, waiting_cancel;
  auto running = start_call(loop, *rt, "spin", {{"marker", marker}}, running_cancel);
  ASSERT_TRUE(poll_until([&] { return std::filesystem::exists(marker); }));
  auto workers = worker_children();
  ASSERT_EQ(workers.size(), 1u);
  auto waiting = start_call(loop, *rt, "add", {{"a", 1}, {"b", 1}}, waiting_cancel);
  ASSERT_TRUE(poll_until([&] { return rt->calls_waiting() == 1; }));

  cancel_now(loop, waiting_cancel);
  EXPECT_TRUE(ended_cancelled(waiting));
  EXPECT_EQ(rt->calls_waiting(), 0u);
  EXPECT_TRUE(pid_alive(workers[0])) << "cancelling a waiting call touched the running worker";

  cancel_now(loop, running_cancel);
  EXPECT_TRUE(ended_cancelled(running));
  EXPECT_TRUE(poll_until([&] { return !pid_alive(workers[0]); })) << "worker " << workers[0] << " still runs";
  auto before = Clock::now();
  EXPECT_EQ(text_of(call(loop, *rt, "add", {{"a", 2}, {"b", 3}})), "5");
  EXPECT_LT(Clock::now() - before, 10s);
  std::filesystem::remove(marker);
}

struct RemoveMarkerDir : ::testing::Environment {
  void TearDown() override { std::filesystem::remove_all(marker_dir()); }
};
[[maybe_unused]] auto* const kRemoveMarkerDir = ::testing::AddGlobalTestEnvironment(new RemoveMarkerDir);

TEST(PythonFairness, PoolSizeDefaultSuitsSmallMachines) {
  auto n = default_python_workers();
  EXPECT_GE(n, 2u);
  EXPECT_LE(n, 4u);
  EXPECT_EQ(PythonRuntimeOptions{}.workers, n);
}

// A pid that existed and is gone: a reaped child of ours.
pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

TEST(OwnedDirs, DirectoriesOfDeadOwnersAreSweptLiveOnesKept) {
  auto base = std::filesystem::temp_directory_path() / ("kaos-owned-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  auto mine = python::make_owned_dir(base.string(), "kaos-python");
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(std::filesystem::path(*mine).filename().string().rfind(python::owned_dir_prefix("kaos-python"), 0), 0u);
  auto dead = base / ("kaos-python-" + std::to_string(dead_pid()) + "-1-abc123");
  auto reused = base / ("kaos-python-" + std::to_string(::getpid()) + "-1-abc123");  // our pid, another start
  auto legacy = base / "kaos-python-abc123";                                         // no owner: never touched
  auto other = base / ("kaos-other-" + std::to_string(dead_pid()) + "-1-abc123");
  for (const auto& d : {dead, reused, legacy, other}) std::filesystem::create_directories(d / "sub");
  std::ofstream(dead / "sub" / "file") << "x";

  EXPECT_EQ(python::remove_stale_owned_dirs(base.string(), "kaos-python"), 2u);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_FALSE(std::filesystem::exists(reused));
  EXPECT_TRUE(std::filesystem::exists(*mine));
  EXPECT_TRUE(std::filesystem::exists(legacy));
  EXPECT_TRUE(std::filesystem::exists(other));
  std::filesystem::remove_all(base);
}

TEST(OwnedDirs, StartingARuntimeSweepsScratchLeftByADeadServer) {
  auto stale = std::filesystem::path(python::scratch_base()) /
               ("kaos-python-" + std::to_string(dead_pid()) + "-1-" + std::to_string(::getpid()));
  std::filesystem::create_directories(stale / "tmp");
  Loop loop;
  auto rt = python_test::start(loop, one_worker(1s));
  ASSERT_TRUE(rt);
  EXPECT_FALSE(std::filesystem::exists(stale));
  std::filesystem::remove_all(stale);
}

}  // namespace
}  // namespace kaos::mcp
