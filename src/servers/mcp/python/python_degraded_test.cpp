// python-string on a kernel without user namespaces or cgroups (forced with the worker's test
// hook KAOS_PYTHON_SANDBOX_TEST_DISABLE): the worker starts anyway and its ready report says
// exactly what is missing; Landlock still limits reads; MCP_SANDBOX_REQUIRE=strict refuses
// to start and names what is missing.
#include <gtest/gtest.h>

#include <algorithm>

#include "servers/mcp/python/python_sandbox_support.hpp"

namespace kaos::mcp {
namespace {

using python_test::call;
using python_test::expect_refused;
using python_test::Loop;
using python_test::ScopedEnv;
using python_test::TempDir;
using python_test::text_of;

constexpr const char* kTools = R"PY(
import ctypes, os, time

def escape(name: str) -> str:
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

def read(path: str) -> str:
    with open(path) as f:
        return f.read()

def echo(text: str) -> str:
    return text
)PY";

std::vector<std::string> missing(const json::object& report) {
  std::vector<std::string> out;
  if (auto* m = find_field(report, "missing"); m && m->is_array()) {
    for (const auto& v : m->as_array()) {
      if (v.is_string()) out.emplace_back(v.as_string());
    }
  }
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(PythonDegraded, WithoutNamespacesTheReportSaysSoAndLandlockStillLimitsReads) {
  ScopedEnv disable("KAOS_PYTHON_SANDBOX_TEST_DISABLE", "userns");
  TempDir state;
  std::string secret = state.file("secrets.json", "s3cret", 0644);
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(kTools));
  ASSERT_TRUE(rt);
  const auto report = rt->sandbox_report();
  auto lacking = missing(report);
  EXPECT_TRUE(contains(lacking, "namespaces")) << to_json(report);
  EXPECT_TRUE(contains(lacking, "minimal_root")) << to_json(report);
  EXPECT_FALSE(bool_field(report, "minimal_root").value_or(true));
  auto* warnings = find_field(report, "warnings");
  ASSERT_TRUE(warnings && warnings->is_array() && !warnings->as_array().empty()) << to_json(report);
  if (geteuid() == 0) {
    EXPECT_EQ(int_field(report, "uid").value_or(-1), 65534);  // never root
  }
  if (int_field(report, "landlock_abi").value_or(0) > 0) {
    expect_refused(call(loop, *rt, "read", {{"path", secret}}), {"PermissionError"}, "reading a secret");
  }
  // Without a PID namespace the cgroup ends what a call started.
  if (string_field(report, "per_call_cleanup").value_or("") == "cgroup") {
    std::string name = python_test::unique_process_name();
    EXPECT_EQ(text_of(call(loop, *rt, "escape", {{"name", name}})), "escaped");
    EXPECT_TRUE(python_test::gone_soon(name)) << "a process named " << name << " survived its call";
  }
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

TEST(PythonDegraded, WhenInitCannotSetUpTheWorkerFallsBackAndSaysWhy) {
  ScopedEnv disable("KAOS_PYTHON_SANDBOX_TEST_DISABLE", "minimal_root");
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(kTools));
  ASSERT_TRUE(rt);
  const auto report = rt->sandbox_report();
  EXPECT_TRUE(contains(missing(report), "namespaces")) << to_json(report);
  EXPECT_NE(to_json(report).find("namespaces were created but could not be set up"), std::string::npos)
      << to_json(report);
  EXPECT_EQ(text_of(call(loop, *rt, "echo", {{"text", "ok"}})), "ok");
}

TEST(PythonDegraded, WithoutACgroupTheReportSaysSo) {
  ScopedEnv disable("KAOS_PYTHON_SANDBOX_TEST_DISABLE", "cgroup");
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(kTools));
  ASSERT_TRUE(rt);
  EXPECT_TRUE(contains(missing(rt->sandbox_report()), "cgroup")) << to_json(rt->sandbox_report());
  EXPECT_EQ(string_field(rt->sandbox_report(), "cgroup").value_or("?"), "");
}

TEST(PythonDegraded, StrictRefusesToStartAndNamesWhatIsMissing) {
  ScopedEnv disable("KAOS_PYTHON_SANDBOX_TEST_DISABLE", "userns");
  ScopedEnv strict("MCP_SANDBOX_REQUIRE", "strict");
  Loop loop;
  auto r = python_test::try_start(loop, python_test::options(kTools));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_NE(r.error().message.find("MCP_SANDBOX_REQUIRE=strict"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("namespaces"), std::string::npos) << r.error().message;
}

TEST(PythonDegraded, StrictStartsWhenNothingIsMissing) {
  Loop loop;
  auto probe = python_test::start(loop, python_test::options(kTools));
  ASSERT_TRUE(probe);
  bool complete = missing(probe->sandbox_report()).empty();
  probe.reset();
  ScopedEnv strict("MCP_SANDBOX_REQUIRE", "strict");
  auto r = python_test::try_start(loop, python_test::options(kTools));
  EXPECT_EQ(static_cast<bool>(r), complete) << (r ? to_json((*r)->sandbox_report()) : r.error().message);
}

TEST(PythonDegraded, BadSandboxVariablesNameTheVariable) {
  ScopedEnv source("MCP_TOOLS_STRING", "def f():\n    return 1\n");
  {
    ScopedEnv bad("MCP_SANDBOX_REQUIRE", "always");
    auto o = python_runtime_options_from_env();
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("MCP_SANDBOX_REQUIRE"), std::string::npos) << o.error().message;
  }
  {
    ScopedEnv bad("MCP_SANDBOX_READABLE_PATHS", "relative/path");
    auto o = python_runtime_options_from_env();
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("MCP_SANDBOX_READABLE_PATHS"), std::string::npos) << o.error().message;
  }
  {
    ScopedEnv bad("MCP_SANDBOX_SCRATCH_MB", "lots");
    auto o = python_runtime_options_from_env();
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("MCP_SANDBOX_SCRATCH_MB"), std::string::npos) << o.error().message;
  }
}

}  // namespace
}  // namespace kaos::mcp
