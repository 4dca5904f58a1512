// python-string: calling tools in real workers -- result mapping, exceptions, and isolation:
// a timeout, a crash, an exit or a memory blow-up fails only that call, and the next succeeds.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "servers/mcp/python/python_test_support.hpp"

namespace kaos::mcp {
namespace {

using python_test::call;
using python_test::Loop;
using python_test::text_of;

constexpr const char* kTools = R"PY(
import os, sys, time

calls = 0

def echo(text: str) -> str:
    return text

def record(name: str, size: int = 2) -> dict:
    return {"name": name, "items": list(range(size))}

def numbers() -> list:
    return [1, 2.5, "three", None]

def answer() -> int:
    return 42

def nothing():
    return None

def raw(valid: bool):
    return b"caf\xc3\xa9" if valid else b"\xff\x00"

def opaque():
    return object()

def fails(message: str):
    raise ValueError(message)

def count() -> int:
    global calls
    calls += 1
    return calls

def pid() -> int:
    return os.getpid()

def spin():
    while True:
        pass

def segfault():
    import ctypes
    ctypes.string_at(0)

def signal_self():
    os.kill(os.getpid(), 11)

def hard_exit():
    os._exit(3)

def soft_exit():
    sys.exit(2)

def hog():
    block = bytearray(256 * 1024 * 1024)
    return len(block)

def kinds(ratio: float, pair: tuple[int, int], tags: set[str], maybe: float | None = None) -> str:
    return " ".join(type(v).__name__ for v in (ratio, pair, tags, maybe))

async def later(text: str) -> str:
    import asyncio
    await asyncio.sleep(0)
    return text.upper()
)PY";

class PythonCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = python_test::options(kTools);
    o.call_timeout = std::chrono::seconds(1);
    o.memory_limit_mb = 128;
    rt_ = python_test::start(loop_, o);
    ASSERT_TRUE(rt_);
  }
  ToolResult run(std::string name, json::object args = {}) {
    return call(loop_, *rt_, std::move(name), std::move(args));
  }
  // The server keeps serving after a failure: the next call works.
  void expect_still_serving() {
    auto r = run("echo", {{"text", "still here"}});
    EXPECT_FALSE(r.is_error) << text_of(r);
    EXPECT_EQ(text_of(r), "still here");
  }

  Loop loop_;
  std::shared_ptr<PythonRuntime> rt_;
};

TEST_F(PythonCalls, ResultsMapToContentAndStructuredContent) {
  auto s = run("echo", {{"text", "héllo"}});
  EXPECT_FALSE(s.is_error);
  EXPECT_EQ(text_of(s), "héllo");
  EXPECT_FALSE(s.structured);

  auto d = run("record", {{"name", "x"}, {"size", 3}});
  ASSERT_TRUE(d.structured);
  EXPECT_EQ(*d.structured, *parse_json(R"({"name":"x","items":[0,1,2]})"));
  EXPECT_EQ(*parse_json(text_of(d)), *d.structured);  // the text block carries the same JSON

  auto l = run("numbers");
  ASSERT_TRUE(l.structured);
  EXPECT_EQ(*l.structured, *parse_json(R"({"result":[1,2.5,"three",null]})"));
  EXPECT_EQ(*parse_json(text_of(l)), *parse_json(R"([1,2.5,"three",null])"));

  auto i = run("answer");
  EXPECT_EQ(text_of(i), "42");
  EXPECT_FALSE(i.structured);
  EXPECT_EQ(text_of(run("nothing")), "null");
  EXPECT_EQ(text_of(run("later", {{"text", "async"}})), "ASYNC");

  // JSON cannot say float, tuple or set: the arguments are converted to what the hints ask.
  EXPECT_EQ(
      text_of(run("kinds", {{"ratio", 2}, {"pair", json::array{1, 2}}, {"tags", json::array{"a"}}, {"maybe", 1}})),
      "float tuple set float");

  EXPECT_EQ(text_of(run("raw", {{"valid", true}})), "café");
  auto blob = run("raw", {{"valid", false}});
  ASSERT_EQ(blob.content.size(), 1u);
  const auto& block = blob.content[0].as_object();
  EXPECT_EQ(block.at("type").as_string(), "resource");
  EXPECT_EQ(block.at("resource").as_object().at("blob").as_string(), "/wA=");
}

TEST_F(PythonCalls, ExceptionsAndBadReturnsAreErrorResults) {
  auto e = run("fails", {{"message", "no such city"}});
  EXPECT_TRUE(e.is_error);
  EXPECT_EQ(text_of(e), "ValueError: no such city");
  auto o = run("opaque");
  EXPECT_TRUE(o.is_error);
  EXPECT_NE(text_of(o).find("tool 'opaque' returned a object that is not JSON"), std::string::npos) << text_of(o);
  auto u = run("no_such_tool");
  EXPECT_TRUE(u.is_error);
  EXPECT_EQ(text_of(u), "unknown tool 'no_such_tool'");
  expect_still_serving();
}

TEST_F(PythonCalls, ModuleStatePersistsAcrossCallsInAWorker) {
  EXPECT_EQ(text_of(run("count")), "1");
  EXPECT_EQ(text_of(run("count")), "2");
  EXPECT_EQ(rt_->workers_started(), 1u);
}

TEST_F(PythonCalls, TimeoutKillsOnlyThatCall) {
  auto before = std::chrono::steady_clock::now();
  auto r = run("spin");
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_TRUE(r.is_error);
  EXPECT_NE(text_of(r).find("tool 'spin' timed out after 1 s"), std::string::npos) << text_of(r);
  EXPECT_GE(took, std::chrono::seconds(1));
  EXPECT_LT(took, std::chrono::seconds(10));
  expect_still_serving();
  EXPECT_EQ(rt_->workers_started(), 2u);  // the spinning worker was replaced
  EXPECT_EQ(text_of(run("count")), "1");  // ...with fresh module state
}

TEST_F(PythonCalls, CrashesFailOnlyThatCall) {
  auto segv = run("segfault");
  EXPECT_TRUE(segv.is_error);
  EXPECT_NE(text_of(segv).find("tool 'segfault' crashed: its Python worker killed by signal 11 (SIGSEGV)"),
            std::string::npos)
      << text_of(segv);
  expect_still_serving();
  auto sig = run("signal_self");
  EXPECT_NE(text_of(sig).find("killed by signal 11"), std::string::npos) << text_of(sig);
  expect_still_serving();
  auto exit3 = run("hard_exit");
  EXPECT_TRUE(exit3.is_error);
  EXPECT_NE(text_of(exit3).find("tool 'hard_exit' crashed: its Python worker exited with code 3"), std::string::npos)
      << text_of(exit3);
  expect_still_serving();
  EXPECT_EQ(rt_->workers_started(), 4u);
}

TEST_F(PythonCalls, SysExitIsAnErrorResultAndKeepsTheWorker) {
  auto r = run("soft_exit");
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(text_of(r), "tool 'soft_exit' called sys.exit(2); a tool returns a value or raises an exception");
  expect_still_serving();
  EXPECT_EQ(rt_->workers_started(), 1u);
}

TEST_F(PythonCalls, MemoryBlowUpFailsThatCallAndReplacesTheWorker) {
  auto r = run("hog");
  EXPECT_TRUE(r.is_error);
  EXPECT_NE(text_of(r).find("MemoryError: tool 'hog' exceeded the memory limit of 128 MiB"), std::string::npos)
      << text_of(r);
  expect_still_serving();
  EXPECT_EQ(rt_->workers_started(), 2u);
}

TEST(PythonPool, CallsRunInParallelWorkersAndQueueBeyondThem) {
  Loop loop;
  auto o = python_test::options(
      "import time, uuid\n"
      "WORKER = uuid.uuid4().hex  # not os.getpid(): every worker is PID 2 of its own namespace\n"
      "def slow_pid(seconds: float) -> str:\n"
      "    time.sleep(seconds)\n"
      "    return WORKER\n");
  o.workers = 2;
  auto rt = python_test::start(loop, o);
  ASSERT_TRUE(rt);
  // Four concurrent calls on two workers: all answer, from exactly two processes.
  std::vector<std::future<ToolResult>> calls;
  calls.reserve(4);
  for (int i = 0; i < 4; ++i) {
    calls.push_back(
        boost::asio::co_spawn(loop.executor(), rt->call("slow_pid", {{"seconds", 0.2}}), boost::asio::use_future));
  }
  std::set<std::string> pids;
  for (auto& f : calls) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    auto r = f.get();
    EXPECT_FALSE(r.is_error) << text_of(r);
    pids.insert(text_of(r));
  }
  EXPECT_EQ(pids.size(), 2u);
  EXPECT_EQ(rt->workers_started(), 2u);
}

// Cancelling the awaiting coroutine (a client's notifications/cancelled) stops the worker.
TEST(PythonPool, CancelledCallStopsItsWorker) {
  Loop loop;
  // The tool marks that it runs with a file in a writable path (it may not connect() to a
  // host Unix socket, and it runs as uid 65534: the directory must be writable by others).
  std::string dir = (std::filesystem::temp_directory_path() / "kaos-cancel-XXXXXX").string();
  ASSERT_TRUE(mkdtemp(dir.data()));
  chmod(dir.c_str(), 0777);
  std::string marker = dir + "/started";
  auto o = python_test::options(
      "def wait_forever(path: str):\n"
      "    open(path, 'w').close()\n"  // tells the test the call is running
      "    while True:\n"
      "        pass\n"
      "def echo(text: str) -> str:\n"
      "    return text\n");
  o.writable_paths = {dir};
  auto rt = python_test::start(loop, o);
  ASSERT_TRUE(rt);
  boost::asio::cancellation_signal cancel;
  auto pending = boost::asio::co_spawn(loop.executor(), rt->call("wait_forever", {{"path", marker}}),
                                       boost::asio::bind_cancellation_slot(cancel.slot(), boost::asio::use_future));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(marker)) {  // polled with a deadline: the call is running
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the tool never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  boost::asio::post(loop.executor(), [&cancel] { cancel.emit(boost::asio::cancellation_type::terminal); });
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  // Depending on where the cancellation lands it ends the call with an error result or with
  // operation_aborted (what the MCP server relies on to send no answer); either way the
  // spinning worker must be gone, which the next call proves by being answered at once.
  try {
    auto r = pending.get();
    EXPECT_TRUE(r.is_error);
    EXPECT_EQ(text_of(r), "tool 'wait_forever' was cancelled; its worker was stopped");
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), boost::asio::error::operation_aborted);
  }
  auto before_next = std::chrono::steady_clock::now();
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "next"}})), "next");
  // A worker left spinning would hold this call until the 30 s call timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - before_next, std::chrono::seconds(10));
  EXPECT_EQ(rt->workers_started(), 2u);
  std::filesystem::remove_all(dir);
}

net::Task<int> echo_calls(std::shared_ptr<PythonRuntime> rt, int calls) {
  int ok = 0;
  json::object args{{"text", "ping"}};
  for (int i = 0; i < calls; ++i) {
    auto r = co_await rt->call("echo", args);
    ok += !r.is_error && r.content.size() == 1;
  }
  co_return ok;
}

// Not a benchmark harness, a measured number for the report: sequential echo calls through
// the whole path (strand hop, pipe, JSON both ways, Python call).
TEST(PythonPool, EchoThroughput) {
  Loop loop;
  auto rt = python_test::start(loop, python_test::options("def echo(text: str) -> str:\n    return text\n"));
  ASSERT_TRUE(rt);
  constexpr int kCalls = 2000;
  auto start = std::chrono::steady_clock::now();
  int ok = loop.run(echo_calls(rt, kCalls));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ok, kCalls);
  std::printf("[ python-string ] %d sequential echo calls in %.3f s: %.0f calls/s (1 worker)\n", kCalls, seconds,
              kCalls / seconds);
}

}  // namespace
}  // namespace kaos::mcp
