// The stdio bridge against the official reference server, @modelcontextprotocol/server-everything
// (Node), installed by `npm ci` in tests/conformance/mcp. Skipped only when it is not installed.
#include <filesystem>

#include "servers/mcp/stdio/stdio_test_support.hpp"

namespace kaos::mcp {
namespace {

using namespace stdio_test;
namespace fs = std::filesystem;

const fs::path kServer = fs::path(KAOS_SOURCE_DIR) / "tests" / "conformance" / "mcp" / "node_modules" /
                         "@modelcontextprotocol" / "server-everything" / "dist" / "index.js";

TEST(StdioBridgeEverything, ToolsListEchoAndProgress) {
  if (!fs::exists(kServer)) GTEST_SKIP() << "run `npm ci` in tests/conformance/mcp to install " << kServer;
  Loop loop;
  auto stats = std::make_shared<StdioBridgeStats>();
  StdioBridgeOptions o;
  o.command = {"node", kServer.string(), "stdio"};
  o.shutdown_grace = std::chrono::milliseconds(500);
  auto factory = make_stdio_bridge(loop.executor(), o, stats);
  auto out = std::make_shared<RecordingOutbound>();
  auto h = factory(message(initialize_json(1)), out);
  ASSERT_TRUE(h.has_value()) << h.error().message;
  auto& handler = **h;

  deliver(loop, handler, initialize_json(1));
  auto init = out->response(1, std::chrono::seconds(60));  // node's first start can be slow
  ASSERT_TRUE(init.is_object()) << "no initialize answer from server-everything";
  EXPECT_TRUE(init.at_pointer("/result/capabilities").as_object().contains("tools")) << to_json(init);
  deliver(loop, handler, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");

  deliver(loop, handler, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
  auto list = out->response(2);
  ASSERT_TRUE(list.is_object());
  bool has_echo = false;
  for (const auto& t : list.at_pointer("/result/tools").as_array()) has_echo |= t.at("name") == "echo";
  EXPECT_TRUE(has_echo) << to_json(list);

  deliver(loop, handler, call_json(3, "echo", R"({"message":"through the bridge"})"));
  EXPECT_EQ(result_text(out->response(3)), "Echo: through the bridge");

  // Progress notifications of a long-running call travel on that call's stream.
  deliver(loop, handler, call_json(4, "trigger-long-running-operation", R"({"duration":0.3,"steps":3})", "p-4"));
  auto done = out->response(4);
  EXPECT_NE(result_text(done).find("Long running operation completed"), std::string::npos) << to_json(done);
  int progress = 0;
  for (const auto& s : out->all()) {
    if (s.response || s.message.at("method") != "notifications/progress") continue;
    EXPECT_EQ(s.message.at_pointer("/params/progressToken"), "p-4");
    EXPECT_EQ(s.id, json::value(4));
    ++progress;
  }
  EXPECT_EQ(progress, 3);

  deliver(loop, handler, call_json(5, "no-such-tool"));
  auto unknown = out->response(5);
  ASSERT_TRUE(unknown.is_object());
  EXPECT_TRUE(unknown.as_object().contains("error") || unknown.at_pointer("/result/isError") == true)
      << to_json(unknown);

  handler.close();
  EXPECT_TRUE(eventually([&] { return stats->children_exited == 1u; })) << "node child not reaped after close";
  EXPECT_EQ(stats->children_running, 0);
}

}  // namespace
}  // namespace kaos::mcp
