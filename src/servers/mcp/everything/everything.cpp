// The built-in `everything` toolset: one tool, resource or prompt per MCP capability, named as
// the official conformance suite expects (its "Server Implementation Requirements"), plus
// `echo`, `add` and `sleep` for demos, benchmarks and cancellation tests.
#include "servers/mcp/everything/everything.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "protocol/mcp/mcp.hpp"

namespace kaos::mcp {
namespace {

namespace pmcp = protocol::mcp;
namespace asio = boost::asio;
using std::chrono::milliseconds;

Task<void> pause(milliseconds ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, ms);
  co_await timer.async_wait(asio::use_awaitable);
}

json::object schema(json::object properties, json::array required = {}) {
  return json::object{{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

json::object string_prop(std::string_view description) {
  return json::object{{"type", "string"}, {"description", description}};
}

Tool make(std::string name, std::string description, json::object input,
          std::function<Task<ToolResult>(const json::object&, CallContext&)> handler) {
  Tool t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.input_schema = std::move(input);
  t.handler = std::move(handler);
  return t;
}

ToolResult content(json::array blocks) {
  ToolResult r;
  r.content = std::move(blocks);
  return r;
}

bool has_capability(const CallContext& ctx, std::string_view name) {
  return ctx.client_capabilities().contains(name);
}

void add_basic_tools(McpServer& server) {
  server.add_tool(make("echo", "Echoes the message back.",
                       schema({{"message", string_prop("Text to echo")}}, {"message"}),
                       [](const json::object& args, CallContext&) -> Task<ToolResult> {
                         co_return ToolResult::text("Echo: " + std::string(args.at("message").get_string()));
                       }));
  server.add_tool(
      make("add", "Adds two numbers.",
           schema({{"a", json::object{{"type", "number"}}}, {"b", json::object{{"type", "number"}}}}, {"a", "b"}),
           [](const json::object& args, CallContext&) -> Task<ToolResult> {
             double sum = *as_double(args.at("a")) + *as_double(args.at("b"));
             ToolResult r = ToolResult::text(to_json(json::value(sum)));
             r.structured = json::object{{"result", sum}};
             co_return r;
           }));
  server.add_tool(make("sleep", "Waits the given milliseconds (max 600000), reporting progress every 100 ms.",
                       schema({{"ms", json::object{{"type", "integer"}, {"minimum", 0}, {"maximum", 600000}}}}, {"ms"}),
                       [](const json::object& args, CallContext& ctx) -> Task<ToolResult> {
                         auto total = *as_int64(args.at("ms"));
                         for (std::int64_t done = 0; done < total;) {
                           auto step = std::min<std::int64_t>(100, total - done);
                           co_await pause(milliseconds(step));
                           done += step;
                           ctx.progress(static_cast<double>(done), static_cast<double>(total));
                         }
                         co_return ToolResult::text("Slept " + std::to_string(total) + " ms");
                       }));
}

void add_content_tools(McpServer& server) {
  server.add_tool(make("test_simple_text", "Returns simple text content.", schema({}),
                       [](const json::object&, CallContext&) -> Task<ToolResult> {
                         co_return ToolResult::text("This is a simple text response for testing.");
                       }));
  server.add_tool(make("test_image_content", "Returns a 1x1 PNG image.", schema({}),
                       [](const json::object&, CallContext&) -> Task<ToolResult> {
                         co_return content({pmcp::image_content(everything_png_base64(), "image/png")});
                       }));
  server.add_tool(make("test_audio_content", "Returns a short WAV clip.", schema({}),
                       [](const json::object&, CallContext&) -> Task<ToolResult> {
                         co_return content({pmcp::audio_content(everything_wav_base64(), "audio/wav")});
                       }));
  server.add_tool(make("test_embedded_resource", "Returns an embedded text resource.", schema({}),
                       [](const json::object&, CallContext&) -> Task<ToolResult> {
                         co_return content({pmcp::embedded_text_resource("test://embedded-resource", "text/plain",
                                                                         "This is an embedded resource content.")});
                       }));
  server.add_tool(make("test_multiple_content_types", "Returns text, an image and an embedded resource.", schema({}),
                       [](const json::object&, CallContext&) -> Task<ToolResult> {
                         co_return content(
                             {pmcp::text_content("Multiple content types test:"),
                              pmcp::image_content(everything_png_base64(), "image/png"),
                              pmcp::embedded_text_resource("test://mixed-content-resource", "application/json",
                                                           R"({"test":"data","value":123})")});
                       }));
  server.add_tool(make("test_error_handling", "Always fails (isError result).", schema({}),
                       [](const json::object&, CallContext&) -> Task<ToolResult> {
                         co_return ToolResult::error("This tool intentionally returns an error for testing");
                       }));
  Tool schema_tool = make("json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features", {},
                          [](const json::object& args, CallContext&) -> Task<ToolResult> {
                            co_return ToolResult::text("Received: " + to_json(args));
                          });
  schema_tool.input_schema = parse_json(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "$defs": {"address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
    "additionalProperties": false})")
                                 ->get_object();
  server.add_tool(std::move(schema_tool));
}

void add_interactive_tools(McpServer& server) {
  server.add_tool(make("test_tool_with_logging", "Sends three log messages while it runs.", schema({}),
                       [](const json::object&, CallContext& ctx) -> Task<ToolResult> {
                         ctx.log("info", json::value("Tool execution started"));
                         co_await pause(milliseconds(50));
                         ctx.log("info", json::value("Tool processing data"));
                         co_await pause(milliseconds(50));
                         ctx.log("info", json::value("Tool execution completed"));
                         co_return ToolResult::text("Tool with logging executed successfully");
                       }));
  server.add_tool(make("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100.", schema({}),
                       [](const json::object&, CallContext& ctx) -> Task<ToolResult> {
                         ctx.progress(0, 100);
                         co_await pause(milliseconds(50));
                         ctx.progress(50, 100);
                         co_await pause(milliseconds(50));
                         ctx.progress(100, 100);
                         co_return ToolResult::text("Tool with progress executed successfully");
                       }));
  server.add_tool(
      make("test_sampling", "Asks the client's LLM (sampling/createMessage).",
           schema({{"prompt", string_prop("The prompt to send to the LLM")}}, {"prompt"}),
           [](const json::object& args, CallContext& ctx) -> Task<ToolResult> {
             if (!has_capability(ctx, "sampling")) co_return ToolResult::error("The client does not support sampling");
             json::object params{
                 {"messages", json::array{json::object{
                                  {"role", "user"}, {"content", pmcp::text_content(args.at("prompt").get_string())}}}},
                 {"maxTokens", 100}};
             auto reply = co_await ctx.request("sampling/createMessage", params, milliseconds(60'000));
             if (!reply) co_return ToolResult::error("Sampling failed: " + reply.error().message);
             std::string text;
             if (reply->is_object()) {
               if (auto* c = reply->get_object().if_contains("content"); c && c->is_object()) {
                 text = std::string(string_field(c->get_object(), "text").value_or(""));
               }
             }
             co_return ToolResult::text("LLM response: " + text);
           }));
  server.add_tool(
      make("test_elicitation", "Asks the user for input (elicitation/create).",
           schema({{"message", string_prop("The message to show the user")}}, {"message"}),
           [](const json::object& args, CallContext& ctx) -> Task<ToolResult> {
             if (!has_capability(ctx, "elicitation"))
               co_return ToolResult::error("The client does not support elicitation");
             json::object requested =
                 schema({{"username", string_prop("User's response")}, {"email", string_prop("User's email address")}},
                        {"username", "email"});
             // Built before co_await: GCC 12 miscompiles braced temporaries inside it.
             json::object params{{"message", args.at("message")}, {"requestedSchema", requested}};
             auto reply = co_await ctx.request("elicitation/create", std::move(params), milliseconds(60'000));
             if (!reply) co_return ToolResult::error("Elicitation failed: " + reply.error().message);
             co_return ToolResult::text("User response: " + to_json(*reply));
           }));
}

void add_elicitation_schema_tools(McpServer& server) {
  auto elicit = [](json::object requested) {
    return [requested](const json::object&, CallContext& ctx) -> Task<ToolResult> {
      if (!has_capability(ctx, "elicitation")) co_return ToolResult::error("The client does not support elicitation");
      json::object params{{"message", "Please review and update the form fields"}, {"requestedSchema", requested}};
      auto reply = co_await ctx.request("elicitation/create", std::move(params), milliseconds(60'000));
      if (!reply || !reply->is_object())
        co_return ToolResult::error("Elicitation failed: " +
                                    (reply ? std::string("bad answer") : reply.error().message));
      const auto& o = reply->get_object();
      auto action = string_field(o, "action").value_or("");
      const auto* c = o.if_contains("content");
      co_return ToolResult::text("Elicitation completed: action=" + std::string(action) +
                                 ", content=" + (c ? to_json(*c) : std::string("{}")));
    };
  };
  server.add_tool(make("test_elicitation_sep1034_defaults", "Elicitation whose fields all carry defaults (SEP-1034).",
                       schema({}),
                       elicit(parse_json(R"({"type":"object","properties":{
      "name":{"type":"string","description":"User name","default":"John Doe"},
      "age":{"type":"integer","description":"User age","default":30},
      "score":{"type":"number","description":"User score","default":95.5},
      "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
      "verified":{"type":"boolean","description":"Verification status","default":true}},"required":[]})")
                                  ->get_object())));
  server.add_tool(make("test_elicitation_sep1330_enums", "Elicitation with every enum form (SEP-1330).", schema({}),
                       elicit(parse_json(R"({"type":"object","properties":{
      "untitledSingle":{"type":"string","enum":["option1","option2","option3"]},
      "titledSingle":{"type":"string","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
      "legacyEnum":{"type":"string","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},
      "untitledMulti":{"type":"array","items":{"type":"string","enum":["option1","option2","option3"]}},
      "titledMulti":{"type":"array","items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},
      "required":[]})")
                                  ->get_object())));
  server.add_tool(make("test_reconnection",
                       "Closes its SSE stream mid-call; the result arrives after the client resumes (SEP-1699).",
                       schema({}), [](const json::object&, CallContext& ctx) -> Task<ToolResult> {
                         co_await pause(milliseconds(50));
                         ctx.close_stream();
                         co_await pause(milliseconds(100));
                         co_return ToolResult::text("Reconnection test completed successfully");
                       }));
}

}  // namespace

void add_everything_toolset(McpServer& server) {
  add_basic_tools(server);
  add_content_tools(server);
  add_interactive_tools(server);
  add_elicitation_schema_tools(server);
  add_everything_resources(server);
  add_everything_prompts(server);
}

}  // namespace kaos::mcp
