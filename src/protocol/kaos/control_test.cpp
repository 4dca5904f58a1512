#include "protocol/kaos/control.hpp"

#include <gtest/gtest.h>

namespace kaos::protocol::kaos {
namespace {

ResourceStatus sample_status() {
  ResourceStatus s;
  s.id = "agent/default/assistant";
  s.kind = "Agent";
  s.namespace_ = "default";
  s.name = "assistant";
  s.role = "agent";
  s.phase = "Ready";
  s.ready = true;
  s.endpoint = "http://127.0.0.1:41234";
  s.message = "ready on port 41234";
  s.pid = 4242;
  s.restarts = 1;
  s.started_at = "2026-12-07T09:00:00.000001Z";
  s.log = "/state/logs/agent_default_assistant.log";
  return s;
}

constexpr std::string_view kStatusJson =
    R"({"id":"agent/default/assistant","kind":"Agent","namespace":"default","name":"assistant","role":"agent",)"
    R"("phase":"Ready","ready":true,"endpoint":"http://127.0.0.1:41234","message":"ready on port 41234",)"
    R"("pid":4242,"restarts":1,"started_at":"2026-12-07T09:00:00.000001Z",)"
    R"("log":"/state/logs/agent_default_assistant.log"})";

json::value parse(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::value();
}

TEST(ControlWire, ResourceStatusWritesTodaysBytesAndReadsThemBack) {
  EXPECT_EQ(to_json(resource_status_json(sample_status())), kStatusJson);
  auto back = parse_resource_status(parse(kStatusJson));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, sample_status());
}

TEST(ControlWire, AReasonIsWrittenAfterTheMessageOnlyWhenSet) {
  auto waiting = sample_status();
  waiting.phase = "Waiting";
  waiting.ready = false;
  waiting.message = "MCPServer calc failed";
  waiting.reason = "DependencyFailed";
  auto text = to_json(resource_status_json(waiting));
  EXPECT_NE(text.find(R"("message":"MCPServer calc failed","reason":"DependencyFailed","pid")"), std::string::npos)
      << text;
  auto back = parse_resource_status(parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->reason, "DependencyFailed");
  EXPECT_EQ(to_json(resource_status_json(sample_status())).find("reason"), std::string::npos);
}

TEST(ControlWire, ConditionsAreWrittenLastOnlyWhenAnyAndReadBack) {
  auto degraded = sample_status();
  degraded.conditions.push_back(
      {"MemoryDegraded", "True", "MemoryStoreNotReady", "MemoryStore m is not ready", "2026-12-07T09:00:01Z"});
  auto text = to_json(resource_status_json(degraded));
  EXPECT_NE(text.find(R"(,"conditions":[{"type":"MemoryDegraded","status":"True","reason":"MemoryStoreNotReady",)"
                      R"("message":"MemoryStore m is not ready","lastTransitionTime":"2026-12-07T09:00:01Z"}]})"),
            std::string::npos)
      << text;
  auto back = parse_resource_status(parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, degraded);
  auto bad = parse(text);
  bad.as_object()["conditions"].as_array()[0].as_object()["status"] = 1;
  auto refused = parse_resource_status(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "conditions[0].status: expected a string, got number");
}

TEST(ControlWire, StatusReplyNestsTheSupervisorThenTheResources) {
  StatusReply r{{77, "/state"}, {sample_status()}};
  auto text = to_json(status_reply_json(r));
  EXPECT_EQ(text, R"({"supervisor":{"pid":77,"state_dir":"/state"},"resources":[)" + std::string(kStatusJson) + "]}");
  auto back = parse_status_reply(parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
}

TEST(ControlWire, ParsersNameTheBadField) {
  auto list = parse_resource_list(parse(R"([)" + std::string(kStatusJson) + R"(,{"id":"x"}])"));
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().message, "[1].kind: expected a string, but it is missing");

  auto wrong = parse(kStatusJson);
  wrong.as_object()["ready"] = "yes";
  auto s = parse_resource_status(wrong);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "ready: expected a boolean, got string");

  auto reply = parse_status_reply(parse(R"({"supervisor":{"pid":"1","state_dir":"/s"},"resources":[]})"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().message, "supervisor.pid: expected an integer, got string");

  EXPECT_EQ(parse_resource_list(parse(R"({"detail":"no"})")).error().message, "body: expected an array, got object");
  EXPECT_EQ(parse_apply_reply(parse("[]")).error().message, "body: expected an object, got array");
}

TEST(ControlWire, RepliesIgnoreFieldsTheyDoNotKnow) {
  auto v = parse(kStatusJson);
  v.as_object()["conditions"] = json::array{};
  EXPECT_TRUE(parse_resource_status(v));
  EXPECT_TRUE(parse_delete_reply(parse(R"({"deleted":["agent/default/a"],"extra":1})")));
}

TEST(ControlWire, DescriptionAddsPlanAndEventsAfterTheStatus) {
  ResourceDescription d;
  d.status = sample_status();
  d.spec = parse(R"({"model":"m"})");
  d.command = {"kaos", "agent"};
  d.env = {{"A", std::string("1"), std::nullopt}, {"KEY", std::nullopt, std::string("secret s/k")}};
  d.dependencies = {"modelapi/default/llm"};
  d.fingerprint = "00ff";
  d.events = {{"2026-12-07T09:00:00Z", "Started", "pid 4242"}};
  auto text = to_json(resource_description_json(d));
  std::string expected(kStatusJson);
  expected.pop_back();  // the status fields come first, then the description's
  expected += R"(,"spec":{"model":"m"},"command":["kaos","agent"],)"
              R"("env":[{"name":"A","value":"1"},{"name":"KEY","valueFrom":"secret s/k"}],)"
              R"("dependencies":["modelapi/default/llm"],"fingerprint":"00ff",)"
              R"("events":[{"timestamp":"2026-12-07T09:00:00Z","type":"Started","message":"pid 4242"}]})";
  EXPECT_EQ(text, expected);
  auto back = parse_resource_description(parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, d);

  auto both = parse(text);
  both.as_object()["env"].as_array()[0].as_object()["valueFrom"] = "field";
  auto bad = parse_resource_description(both);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "env[0]: expected exactly one of value and valueFrom");
}

TEST(ControlWire, ApplyRequestRoundTripsAndIsStrict) {
  ApplyRequest r{{{"a.yaml", "kind: Agent"}}, true};
  auto text = to_json(apply_request_json(r));
  EXPECT_EQ(text, R"({"sources":[{"name":"a.yaml","text":"kind: Agent"}],"prune":true})");
  auto back = parse_apply_request(parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);

  auto no_prune = parse_apply_request(parse(R"({"sources":[{"text":"x"}]})"));
  ASSERT_TRUE(no_prune);
  EXPECT_FALSE(no_prune->prune);
  EXPECT_EQ(no_prune->sources[0].name, "");

  EXPECT_EQ(parse_apply_request(parse(R"({"sources":[{"name":"a"}]})")).error().message,
            "sources[0].text: expected a string, but it is missing");
  EXPECT_EQ(parse_apply_request(parse(R"({"sources":"x"})")).error().message, "sources: expected an array, got string");
  EXPECT_EQ(parse_apply_request(parse(R"({"sources":[],"prune":"yes"})")).error().message,
            "prune: expected a boolean, got string");
  EXPECT_EQ(parse_apply_request(parse(R"({"sources":[],"purge":true})")).error().message, "purge: unknown field");
}

TEST(ControlWire, ApplyRepliesBothShapes) {
  ApplyReply ok{{{"agent/default/a", "created"}, {"mcpserver/default/m", "unchanged"}}};
  auto text = to_json(apply_reply_json(ok));
  EXPECT_EQ(
      text,
      R"({"actions":[{"id":"agent/default/a","action":"created"},{"id":"mcpserver/default/m","action":"unchanged"}]})");
  EXPECT_EQ(*parse_apply_reply(parse(text)), ok);

  ApplyRejection no{{"a.yaml: Agent/a: spec.model: required"}};
  auto rejected = to_json(apply_rejection_json(no));
  EXPECT_EQ(rejected, R"({"errors":["a.yaml: Agent/a: spec.model: required"]})");
  EXPECT_EQ(*parse_apply_rejection(parse(rejected)), no);
  EXPECT_EQ(parse_apply_rejection(parse(R"({"errors":[1]})")).error().message,
            "errors[0]: expected a string, got number");
}

TEST(ControlWire, DeleteRequestEitherShape) {
  DeleteRequest by_key;
  by_key.resources = std::vector<ResourceKey>{{"agent", "team", "a"}};
  auto text = to_json(delete_request_json(by_key));
  EXPECT_EQ(text, R"({"resources":[{"kind":"agent","namespace":"team","name":"a"}]})");
  EXPECT_EQ(*parse_delete_request(parse(text)), by_key);

  DeleteRequest by_source;
  by_source.sources = std::vector<Source>{{"m.yaml", "kind: Agent"}};
  text = to_json(delete_request_json(by_source));
  EXPECT_EQ(text, R"({"sources":[{"name":"m.yaml","text":"kind: Agent"}]})");
  EXPECT_EQ(*parse_delete_request(parse(text)), by_source);

  auto defaulted = parse_delete_request(parse(R"({"resources":[{"kind":"mcp","name":"m"}]})"));
  ASSERT_TRUE(defaulted);
  EXPECT_EQ((*defaulted->resources)[0].namespace_, "default");
  EXPECT_EQ(parse_delete_request(parse(R"({"resources":[{"kind":"mcp"}]})")).error().message,
            "resources[0].name: expected a string, but it is missing");
  EXPECT_EQ(parse_delete_request(parse(R"({"resources":["agent/a"]})")).error().message,
            "resources[0]: expected an object, got string");

  EXPECT_EQ(to_json(delete_reply_json({{"agent/team/a"}})), R"({"deleted":["agent/team/a"]})");
  EXPECT_EQ(parse_delete_reply(parse(R"({"deleted":[{}]})")).error().message,
            "deleted[0]: expected a string, got object");
}

TEST(ControlWire, Detail) {
  EXPECT_EQ(*parse_detail(parse(R"({"detail":"x"})")), "x");
  EXPECT_FALSE(parse_detail(parse(R"({"message":"x"})")));
}

}  // namespace
}  // namespace kaos::protocol::kaos
