// python-string limits per call, not per process (issue 11): process count, memory across
// the tool's whole process tree, the fixed CPU hard limit, the scratch quota, and cleanup --
// when a call ends, every process it started is gone, a fork+setsid escape included.
#include <gtest/gtest.h>

#include <chrono>

#include "servers/mcp/python/python_sandbox_support.hpp"

namespace kaos::mcp {
namespace {

using python_test::call;
using python_test::expect_refused;
using python_test::Loop;
using python_test::ScopedEnv;
using python_test::text_of;

constexpr const char* kTools = R"PY(
import ctypes, os, resource, select, time

def echo(text: str) -> str:
    return text

def forks(n: int) -> str:
    for i in range(n):
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
    return f"started {n}"

def escape(name: str) -> str:
    """fork, setsid, fork again: the grandchild is nobody's child and names itself `name`."""
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME
            os.write(w, b"x")
            while True:
                time.sleep(1)
        os._exit(0)
    os.waitpid(child, 0)
    os.read(r, 1)
    return "escaped"

def spread(children: int, mb: int) -> str:
    """Each child touches `mb` MiB and holds it; returns how many held it and how many died."""
    r, w = os.pipe()
    hold_r, hold_w = os.pipe()
    pids = set()
    for _ in range(children):
        pid = os.fork()
        if pid == 0:
            block = b"x" * (mb << 20)
            os.write(w, f"{os.getpid()} ".encode())
            os.read(hold_r, 1)
            os._exit(len(block) & 0)
        pids.add(pid)
    os.close(w)
    reported, dead, text = set(), set(), b""
    while reported | dead != pids:
        if select.select([r], [], [], 0.05)[0]:
            text += os.read(r, 4096)
            reported = {int(p) for p in text.split()}
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            dead.add(pid)
    os.close(hold_w)
    return f"held={len(reported - dead)} killed={len(dead)}"

def raise_cpu() -> str:
    resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    return "raised"

def fill(mb: int) -> str:
    chunk = b"\0" * (1 << 20)
    with open("fill.bin", "wb") as f:
        for _ in range(mb):
            f.write(chunk)
    return "filled"
)PY";

std::shared_ptr<PythonRuntime> start(Loop& loop, std::size_t memory_mb = 256) {
  auto o = python_test::options(kTools);
  o.memory_limit_mb = memory_mb;
  o.call_timeout = std::chrono::seconds(20);
  return python_test::start(loop, o);
}

TEST(PythonLimits, AThousandForksAreRefused) {
  ScopedEnv limit("MCP_SANDBOX_MAX_PROCESSES", "32");
  Loop loop;
  auto rt = start(loop);
  ASSERT_TRUE(rt);
  expect_refused(call(loop, *rt, "forks", {{"n", 1000}}), {"BlockingIOError", "Resource temporarily unavailable"},
                 "1,000 forks");
  // The children of the refused call are gone: the next call may fork again.
  EXPECT_EQ(text_of(call(loop, *rt, "forks", {{"n", 20}})), "started 20");
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

TEST(PythonLimits, ASetsidEscapeDoesNotOutliveItsCall) {
  Loop loop;
  auto rt = start(loop);
  ASSERT_TRUE(rt);
  std::string name = python_test::unique_process_name();
  EXPECT_EQ(text_of(call(loop, *rt, "escape", {{"name", name}})), "escaped");
  EXPECT_TRUE(python_test::gone_soon(name)) << "a process named " << name << " survived its call";
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

TEST(PythonLimits, MemorySpreadOverNineChildrenHitsTheTreeLimit) {
  Loop loop;
  auto rt = start(loop, 256);
  ASSERT_TRUE(rt);
  KAOS_REQUIRE_SANDBOX(!std::string(string_field(rt->sandbox_report(), "cgroup").value_or("")).empty(),
                       "no cgroup on this machine: memory is limited per process only");
  // 9 x 48 MiB = 432 MiB against 256 MiB for the whole tree; each child alone is within RLIMIT_AS.
  auto r = call(loop, *rt, "spread", {{"children", 9}, {"mb", 48}});
  std::string text = text_of(r);
  int held = -1, killed = -1;
  ASSERT_EQ(std::sscanf(text.c_str(), "held=%d killed=%d", &held, &killed), 2) << text;
  EXPECT_GE(killed, 1) << text;
  EXPECT_LE(held * 48, 256) << text;
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

TEST(PythonLimits, TheCpuHardLimitCannotBeRaised) {
  Loop loop;
  auto rt = start(loop);
  ASSERT_TRUE(rt);
  expect_refused(call(loop, *rt, "raise_cpu"), {"not allowed to raise maximum limit"}, "raising RLIMIT_CPU");
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

TEST(PythonLimits, ScratchHasAQuota) {
  ScopedEnv quota("MCP_SANDBOX_SCRATCH_MB", "8");
  Loop loop;
  auto rt = start(loop);
  ASSERT_TRUE(rt);
  KAOS_REQUIRE_SANDBOX(int_field(rt->sandbox_report(), "scratch_quota_mb").value_or(0) == 8,
                       "no scratch quota on this machine: " + to_json(rt->sandbox_report()));
  expect_refused(call(loop, *rt, "fill", {{"mb", 64}}), {"No space left on device"}, "filling scratch");
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

}  // namespace
}  // namespace kaos::mcp
