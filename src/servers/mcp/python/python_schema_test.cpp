// python-string: loading a source -- which functions become tools, the JSON Schema of each
// type hint, and the errors a broken source gives (with its line) -- plus the env settings.
#include <gtest/gtest.h>

#include <cstdlib>

#include "servers/mcp/python/python_test_support.hpp"

namespace kaos::mcp {
namespace {

using python_test::Loop;

json::object schema_of(const std::vector<Tool>& tools, std::string_view name) {
  for (const auto& t : tools) {
    if (t.name == name) return t.input_schema;
  }
  ADD_FAILURE() << "no tool named " << name;
  return {};
}

json::value expected(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::value();
}

TEST(PythonSchema, EveryHintMapsToItsSchema) {
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(R"PY(
from typing import Any, Dict, List, Literal, Optional, Union

def prims(s: str, i: int, f: float, b: bool, anything, a: Any):
    return s

def containers(xs: list[int], ys: List[str], m: dict[str, float], n: Dict[str, bool]):
    return 1

def unions(o: Optional[int], p: str | None, u: Union[int, str], lit: Literal["a", "b"], num: Literal[1, 2]):
    return 1

def defaults(name: str, count: int = 3, tags: list[str] | None = None, obj: object = object()):
    return name
)PY"));
  ASSERT_TRUE(rt);
  auto tools = rt->tools();
  EXPECT_EQ(json::value(schema_of(tools, "prims")), expected(R"({"type":"object","properties":{
      "s":{"type":"string"},"i":{"type":"integer"},"f":{"type":"number"},"b":{"type":"boolean"},
      "anything":{},"a":{}},"required":["s","i","f","b","anything","a"]})"));
  EXPECT_EQ(json::value(schema_of(tools, "containers")), expected(R"({"type":"object","properties":{
      "xs":{"type":"array","items":{"type":"integer"}},"ys":{"type":"array","items":{"type":"string"}},
      "m":{"type":"object","additionalProperties":{"type":"number"}},
      "n":{"type":"object","additionalProperties":{"type":"boolean"}}},"required":["xs","ys","m","n"]})"));
  EXPECT_EQ(json::value(schema_of(tools, "unions")), expected(R"({"type":"object","properties":{
      "o":{"anyOf":[{"type":"integer"},{"type":"null"}]},"p":{"anyOf":[{"type":"string"},{"type":"null"}]},
      "u":{"anyOf":[{"type":"integer"},{"type":"string"}]},"lit":{"type":"string","enum":["a","b"]},
      "num":{"type":"integer","enum":[1,2]}},"required":["o","p","u","lit","num"]})"));
  // A default makes the parameter optional; it is advertised only when it is JSON.
  EXPECT_EQ(json::value(schema_of(tools, "defaults")), expected(R"({"type":"object","properties":{
      "name":{"type":"string"},"count":{"type":"integer","default":3},
      "tags":{"anyOf":[{"type":"array","items":{"type":"string"}},{"type":"null"}],"default":null},
      "obj":{}},"required":["name"]})"));
}

TEST(PythonSchema, OnlyPublicFunctionsDefinedByTheSourceAreTools) {
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(R"PY(
import os
from os.path import join          # imported function: not a tool
alias = join
square = lambda x: x * x          # lambda: not a tool
LIMIT = 3

def _helper():                    # private: not a tool
    return 1

def greet(name: str) -> str:
    """Greets someone.

    Args:
        name: who to greet
    """
    return "hi " + name

def bare():
    return _helper()
)PY"));
  ASSERT_TRUE(rt);
  auto tools = rt->tools();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0].name, "greet");
  EXPECT_EQ(tools[0].description, "Greets someone.\n\nArgs:\n    name: who to greet");
  EXPECT_EQ(tools[1].name, "bare");
  EXPECT_EQ(tools[1].description, "");
  EXPECT_EQ(json::value(tools[1].input_schema), expected(R"({"type":"object","properties":{}})"));
}

// Found by fuzz/python_schema: Literal[-1e400] made the worker write -Infinity, which the server
// cannot read, so the source failed to load with a protocol error; Literal[b"x"] made its
// json.dumps raise and the worker die; Annotated[int, '\ud800'] made its UTF-8 write raise. A
// hint or default JSON cannot carry is not advertised; text is sent with '?' for what UTF-8 cannot encode.
TEST(PythonSchema, HintsAndDefaultsJsonCannotCarryAreNotAdvertised) {
  Loop loop;
  auto rt = python_test::start(loop, python_test::options(R"PY(
from typing import Annotated, Literal

def f(a: Literal[None, -1e400] = None, b: Literal[b"x"] = b"x", c: str = "\ud800", d: float = 1e400):
    return 1

def g(x: Annotated[int, "n\ud800"]):
    "doc\ud800"
    return 1
)PY"));
  ASSERT_TRUE(rt);
  auto tools = rt->tools();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(json::value(schema_of(tools, "f")), expected(R"({"type":"object","properties":{
      "a":{"default":null},"b":{},"c":{"type":"string"},"d":{"type":"number"}}})"));
  // A note or docstring with a lone surrogate (the fuzzer's Annotated[..., '\ud800']) is sent with '?'.
  EXPECT_EQ(json::value(schema_of(tools, "g")), expected(R"({"type":"object","properties":{
      "x":{"type":"integer","description":"n?"}},"required":["x"]})"));
  EXPECT_EQ(tools[1].name == "g" ? tools[1].description : tools[0].description, "doc?");
}

TEST(PythonSchema, SyntaxErrorNamesTheLine) {
  Loop loop;
  auto r = python_test::try_start(loop, python_test::options("def ok():\n    return 1\n\ndef broken(:\n    pass\n"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::invalid);
  EXPECT_EQ(r.error().message, "MCP_TOOLS_STRING line 4: invalid syntax (def broken(:)");
}

TEST(PythonSchema, ExceptionAtImportNamesTheLine) {
  Loop loop;
  auto o = python_test::options("import os\n\nvalue = 1 / 0\n\ndef f():\n    return 1\n");
  o.source_name = "tools.py";
  auto r = python_test::try_start(loop, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "tools.py line 3: ZeroDivisionError: division by zero");
}

TEST(PythonSchema, SourceWithoutFunctionsIsAnError) {
  Loop loop;
  auto r = python_test::try_start(loop, python_test::options("X = 1\n_private = lambda: 2\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("MCP_TOOLS_STRING defines no top-level functions"), std::string::npos)
      << r.error().message;
}

TEST(PythonSchema, StarArgsAreRejectedWithTheFunctionName) {
  Loop loop;
  auto r = python_test::try_start(loop, python_test::options("def f(a: int, *rest):\n    return a\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("function 'f' takes *rest"), std::string::npos) << r.error().message;
  r = python_test::try_start(loop, python_test::options("def g(**options):\n    return 1\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("function 'g' takes **options"), std::string::npos) << r.error().message;
}

TEST(PythonSchema, MissingWorkerExecutableIsReported) {
  Loop loop;
  auto o = python_test::options("def f():\n    return 1\n");
  o.worker_path = "/nonexistent/kaos-python-worker";
  auto r = python_test::try_start(loop, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  EXPECT_NE(r.error().message.find("KAOS_PYTHON_WORKER"), std::string::npos) << r.error().message;
}

// Environment settings: each malformed value names its variable.
class PythonEnv : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v : {"MCP_TOOLS_STRING", "MCP_TOOL_TIMEOUT_SECONDS", "MCP_TOOL_MEMORY_MB", "MCP_PYTHON_WORKERS",
                          "MCP_SANDBOX_NETWORK", "MCP_SANDBOX_WRITABLE_PATHS", "KAOS_PYTHON_WORKER"}) {
      unsetenv(v);
    }
  }
};

TEST_F(PythonEnv, DefaultsAndOverrides) {
  setenv("MCP_TOOLS_STRING", "def f():\n    return 1\n", 1);
  auto o = python_runtime_options_from_env();
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->source, "def f():\n    return 1\n");
  EXPECT_EQ(o->call_timeout, std::chrono::seconds(30));
  EXPECT_EQ(o->memory_limit_mb, 512u);
  EXPECT_EQ(o->workers, default_python_workers());  // min(4, max(2, CPU threads))
  EXPECT_FALSE(o->allow_network);
  EXPECT_TRUE(o->writable_paths.empty());

  setenv("MCP_TOOL_TIMEOUT_SECONDS", "5", 1);
  setenv("MCP_TOOL_MEMORY_MB", "256", 1);
  setenv("MCP_PYTHON_WORKERS", "4", 1);
  setenv("MCP_SANDBOX_NETWORK", "allow", 1);
  setenv("MCP_SANDBOX_WRITABLE_PATHS", "/tmp::/dev/shm", 1);
  setenv("KAOS_PYTHON_WORKER", "/opt/w", 1);
  o = python_runtime_options_from_env(std::string("def g(): pass"), "tools.py");
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->source, "def g(): pass");
  EXPECT_EQ(o->source_name, "tools.py");
  EXPECT_EQ(o->call_timeout, std::chrono::seconds(5));
  EXPECT_EQ(o->memory_limit_mb, 256u);
  EXPECT_EQ(o->workers, 4u);
  EXPECT_TRUE(o->allow_network);
  EXPECT_EQ(o->writable_paths, (std::vector<std::string>{"/tmp", "/dev/shm"}));
  EXPECT_EQ(resolve_python_worker_path(*o), "/opt/w");
}

TEST_F(PythonEnv, MalformedValuesNameTheVariable) {
  auto error_for = [](const char* var, const char* value) {
    setenv(var, value, 1);
    auto o = python_runtime_options_from_env(std::string("def f(): pass"));
    unsetenv(var);
    return o ? std::string("accepted") : o.error().message;
  };
  EXPECT_NE(error_for("MCP_TOOL_TIMEOUT_SECONDS", "soon").find("MCP_TOOL_TIMEOUT_SECONDS"), std::string::npos);
  EXPECT_NE(error_for("MCP_TOOL_TIMEOUT_SECONDS", "0").find("MCP_TOOL_TIMEOUT_SECONDS"), std::string::npos);
  EXPECT_NE(error_for("MCP_TOOL_MEMORY_MB", "16").find("MCP_TOOL_MEMORY_MB"), std::string::npos);
  EXPECT_NE(error_for("MCP_PYTHON_WORKERS", "-1").find("MCP_PYTHON_WORKERS"), std::string::npos);
  EXPECT_NE(error_for("MCP_SANDBOX_NETWORK", "sometimes").find("MCP_SANDBOX_NETWORK"), std::string::npos);
  EXPECT_NE(error_for("MCP_SANDBOX_WRITABLE_PATHS", "relative/dir").find("not an absolute path"), std::string::npos);
  EXPECT_NE(error_for("MCP_SANDBOX_WRITABLE_PATHS", "/no/such/dir").find("does not exist"), std::string::npos);
  auto missing = python_runtime_options_from_env();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("MCP_TOOLS_STRING"), std::string::npos);
}

}  // namespace
}  // namespace kaos::mcp
