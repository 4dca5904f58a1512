// GET /tools: byte-exact body, round trip, KAOS's shape without our kind/source, and parse
// errors that name the field.
#include "protocol/kaos/agent_tools.hpp"

#include <gtest/gtest.h>

namespace kaos::protocol::kaos {
namespace {

json::value parsed(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::value();
}

TEST(ToolsBody, SerializesAsTheAgentAlwaysHas) {
  auto schema = parsed(R"({"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]})").as_object();
  ToolsBody b{"coord",
              {ToolInfo{"add", "Add two integers.", schema, "mcp", "calculator"},
               ToolInfo{"delegate_to_worker", "Delegate a task to worker.", {}, "delegation", "worker"}}};
  const std::string expected =
      R"({"agent":"coord","tools":[)"
      R"({"name":"add","description":"Add two integers.",)"
      R"("parameters":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},)"
      R"("kind":"mcp","source":"calculator"},)"
      R"({"name":"delegate_to_worker","description":"Delegate a task to worker.","parameters":{},)"
      R"("kind":"delegation","source":"worker"}]})";
  EXPECT_EQ(to_json(to_json(b)), expected);

  auto back = parse_tools_body(parsed(expected));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->tools.size(), 2u);
  EXPECT_EQ(back->tools[0].parameters, schema);
  EXPECT_EQ(back->tools[1].kind, "delegation");
  EXPECT_EQ(to_json(to_json(*back)), expected);
  EXPECT_EQ(to_json(to_json(ToolsBody{"lonely", {}})), R"({"agent":"lonely","tools":[]})");
}

TEST(ToolsBody, KindAndSourceAreOptional) {
  auto b = parse_tools_body(parsed(R"({"agent":"a","tools":[{"name":"t","description":"d","parameters":{}}]})"));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->tools[0].kind, "");
  EXPECT_EQ(b->tools[0].source, "");
}

TEST(ToolsBody, ParseErrorsNameTheField) {
  auto error_of = [](std::string_view text) {
    auto b = parse_tools_body(parsed(text));
    EXPECT_FALSE(b) << text;
    return b ? std::string() : b.error().message;
  };
  EXPECT_EQ(error_of(R"([])"), "body: expected an object, got array");
  EXPECT_EQ(error_of(R"({"agent":"a"})"), "tools: expected an array, but it is missing");
  EXPECT_EQ(error_of(R"({"agent":"a","tools":"add"})"), "tools: expected an array, got string");
  EXPECT_EQ(error_of(R"({"agent":"a","tools":[{"name":"t","description":"d","parameters":{}},7]})"),
            "tools[1]: expected an object, got number");
  EXPECT_EQ(error_of(R"({"agent":"a","tools":[{"name":"t","description":"d","parameters":"{}"}]})"),
            "tools[0].parameters: expected an object, got string");
  EXPECT_EQ(error_of(R"({"agent":"a","tools":[{"description":"d","parameters":{}}]})"),
            "tools[0].name: expected a string, but it is missing");
  EXPECT_EQ(error_of(R"({"agent":"a","tools":[{"name":"t","description":"d","parameters":{},"kind":1}]})"),
            "tools[0].kind: expected a string, got number");
}

}  // namespace
}  // namespace kaos::protocol::kaos
