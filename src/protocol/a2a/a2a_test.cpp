#include "protocol/a2a/a2a.hpp"

#include <gtest/gtest.h>

namespace kaos::protocol::a2a {
namespace {

json::value js(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : json::value();
}

Task finished_task() {
  Task t;
  t.id = "task_abc";
  t.context_id = "session_1";
  t.state = TaskState::completed;
  t.status_timestamp = "2026-01-01T00:00:00.000000Z";
  t.history.push_back({"user", "hi there", "m-1", "session_1", "task_abc", {}});
  t.history.push_back({"agent", "Hello from the mock", "", "session_1", "task_abc", {}});
  t.output = "Hello from the mock";
  t.metadata["delegation"] = true;
  t.events.push_back({"ev1", "task.completed", "2026-01-01T00:00:00Z", {{"output_preview", "Hello"}}});
  return t;
}

TEST(A2aMethods, EveryNameResolvesToItsKindAndDialect) {
  struct Case {
    const char* name;
    MethodKind kind;
    Dialect dialect;
  };
  const Case cases[] = {
      {"SendMessage", MethodKind::send, Dialect::v1},
      {"SendStreamingMessage", MethodKind::stream, Dialect::v1},
      {"GetTask", MethodKind::get, Dialect::v1},
      {"ListTasks", MethodKind::list, Dialect::v1},
      {"CancelTask", MethodKind::cancel, Dialect::v1},
      {"tasks/send", MethodKind::send, Dialect::kaos},
      {"tasks/get", MethodKind::get, Dialect::kaos},
      {"tasks/list", MethodKind::list, Dialect::kaos},
      {"tasks/cancel", MethodKind::cancel, Dialect::kaos},
      {"message/send", MethodKind::send, Dialect::v03},
      {"message/stream", MethodKind::stream, Dialect::v03},
  };
  for (const auto& c : cases) {
    auto m = lookup_method(c.name);
    ASSERT_TRUE(m.has_value()) << c.name;
    EXPECT_EQ(m->kind, c.kind) << c.name;
    EXPECT_EQ(m->dialect, c.dialect) << c.name;
  }
  EXPECT_FALSE(lookup_method("sendMessage").has_value());
  EXPECT_FALSE(lookup_method("tasks/resubscribe").has_value());
}

TEST(A2aVersion, EmptyMeansZeroThreeAndOnlyServedVersionsPass) {
  for (auto ok : {"", "0.3", "0.3.0", "1.0", " 1.0 ", "1.0.2"}) EXPECT_TRUE(is_supported_version(ok)) << ok;
  for (auto bad : {"1.1", "2.0", "0.2", "abc", "1.", "1.0x"}) EXPECT_FALSE(is_supported_version(bad)) << bad;
  EXPECT_EQ(parse_version(""), ProtocolVersion::v03);
  EXPECT_EQ(parse_version("0.3.0"), ProtocolVersion::v03);
  EXPECT_EQ(parse_version("1.0"), ProtocolVersion::v1);
  EXPECT_EQ(parse_version("1.0.1"), ProtocolVersion::v1);
  EXPECT_FALSE(parse_version("2.0").has_value());
}

// docs/a2a.md "Which dialect": the PascalCase names answer 1.0 only to a request that says
// A2A-Version 1.0 (the official SDKs); KAOS's clients send no header and get the KAOS task.
TEST(A2aVersion, PascalCaseAnswersOneDotZeroOnlyWithTheHeader) {
  for (auto name : {"SendMessage", "SendStreamingMessage", "GetTask", "ListTasks", "CancelTask"}) {
    auto m = lookup_method(name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(answer_dialect(*m, ProtocolVersion::v1), Dialect::v1) << name;
    EXPECT_EQ(answer_dialect(*m, *parse_version("")), Dialect::kaos) << name;
    EXPECT_EQ(answer_dialect(*m, ProtocolVersion::v03), Dialect::kaos) << name;
  }
  for (auto v : {ProtocolVersion::v03, ProtocolVersion::v1}) {
    EXPECT_EQ(answer_dialect(*lookup_method("tasks/get"), v), Dialect::kaos);
    EXPECT_EQ(answer_dialect(*lookup_method("tasks/send"), v), Dialect::kaos);
    EXPECT_EQ(answer_dialect(*lookup_method("message/send"), v), Dialect::v03);
  }
}

TEST(A2aStates, NamesRoundTripInEveryDialect) {
  for (auto s : {TaskState::submitted, TaskState::working, TaskState::input_required, TaskState::completed,
                 TaskState::canceled, TaskState::failed, TaskState::rejected, TaskState::auth_required}) {
    for (auto d : {Dialect::v1, Dialect::v03, Dialect::kaos}) EXPECT_EQ(parse_state(state_name(s, d)), s);
  }
  EXPECT_EQ(state_name(TaskState::input_required, Dialect::v1), "TASK_STATE_INPUT_REQUIRED");
  EXPECT_EQ(state_name(TaskState::input_required, Dialect::v03), "input-required");
  EXPECT_EQ(parse_state("input_required"), TaskState::input_required);
  EXPECT_FALSE(parse_state("COMPLETED").has_value());
}

TEST(A2aStates, TransitionsFollowKaos) {
  using S = TaskState;
  EXPECT_TRUE(can_transition(S::submitted, S::working));
  EXPECT_TRUE(can_transition(S::submitted, S::canceled));
  EXPECT_TRUE(can_transition(S::submitted, S::failed));
  EXPECT_FALSE(can_transition(S::submitted, S::completed));
  EXPECT_FALSE(can_transition(S::submitted, S::input_required));
  for (auto to : {S::completed, S::failed, S::canceled, S::input_required}) EXPECT_TRUE(can_transition(S::working, to));
  EXPECT_FALSE(can_transition(S::working, S::submitted));
  for (auto to : {S::working, S::canceled, S::failed}) EXPECT_TRUE(can_transition(S::input_required, to));
  EXPECT_FALSE(can_transition(S::input_required, S::completed));
  for (auto from : {S::completed, S::canceled, S::failed, S::rejected}) {
    EXPECT_TRUE(is_terminal(from));
    for (auto to : {S::submitted, S::working, S::completed, S::canceled, S::failed})
      EXPECT_FALSE(can_transition(from, to));
  }
  EXPECT_FALSE(is_terminal(S::input_required));
}

TEST(A2aTask, V1ShapeIsProtoJson) {
  auto o = task_to_json(finished_task(), Dialect::v1);
  EXPECT_FALSE(o.contains("kind"));
  EXPECT_FALSE(o.contains("sessionId"));
  EXPECT_EQ(o.at("contextId"), "session_1");
  EXPECT_EQ(o.at("status").at("state"), "TASK_STATE_COMPLETED");
  const auto& h = o.at("history").as_array();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].at("role"), "ROLE_USER");
  EXPECT_EQ(h[0].at("messageId"), "m-1");
  EXPECT_EQ(h[1].at("role"), "ROLE_AGENT");
  EXPECT_EQ(h[1].at("messageId"), "task_abc-msg-1");  // required in 1.0, derived when unset
  EXPECT_EQ(h[1].at("parts"), js(R"([{"text":"Hello from the mock"}])"));
  EXPECT_EQ(o.at("artifacts"),
            js(R"([{"artifactId":"output","name":"output","parts":[{"text":"Hello from the mock"}]}])"));
  EXPECT_EQ(o.at("metadata"), js(R"({"delegation":true})"));
  auto send = send_result_json(finished_task(), Dialect::v1);
  EXPECT_EQ(send.size(), 1u);
  EXPECT_EQ(send.at("task"), o);
}

TEST(A2aTask, KaosShapeIsASupersetOfTheZeroThreeShape) {
  auto v03 = task_to_json(finished_task(), Dialect::v03);
  auto kaos = task_to_json(finished_task(), Dialect::kaos);
  EXPECT_EQ(v03.at("kind"), "task");
  EXPECT_EQ(v03.at("status").at("state"), "completed");
  EXPECT_EQ(v03.at("history").at(1).at("kind"), "message");
  EXPECT_EQ(v03.at("history").at(1).at("role"), "agent");
  EXPECT_EQ(v03.at("history").at(0).at("parts"), js(R"([{"kind":"text","text":"hi there"}])"));
  // Every 0.3 field keeps its value in the KAOS answer, except parts, which gain `type`.
  for (const auto& kv : v03) {
    if (kv.key() == "history" || kv.key() == "artifacts") continue;
    EXPECT_EQ(kaos.at(kv.key()), kv.value()) << kv.key();
  }
  EXPECT_EQ(kaos.at("history").at(0).at("parts"), js(R"([{"kind":"text","type":"text","text":"hi there"}])"));
  EXPECT_EQ(kaos.at("history").at(0).at("messageId"), "m-1");
  EXPECT_EQ(kaos.at("sessionId"), "session_1");
  EXPECT_EQ(kaos.at("output"), "Hello from the mock");
  EXPECT_EQ(kaos.at("autonomous"), false);
  EXPECT_EQ(kaos.at("mode"), "interactive");
  EXPECT_EQ(kaos.at("events").at(0).at("type"), "task.completed");
  EXPECT_FALSE(kaos.at("events").at(0).as_object().contains("reason"));
  EXPECT_EQ(send_result_json(finished_task(), Dialect::kaos), kaos);
}

// What KAOS's own readers take from a task: a string status message, `mode`, and the budget
// event's reason beside its data (KAOS's older e2e test reads event["reason"]).
TEST(A2aTask, KaosShapeCarriesWhatKaosReadersRead) {
  Task t;
  t.id = "task_a";
  t.state = TaskState::completed;
  t.autonomous = true;
  t.status_message = Message{"agent", "Done", "", "", "task_a", {}};
  t.events.push_back({"ev", "autonomous.budget.exhausted", "ts", {{"reason", "max_iterations"}, {"iterations", 1}}});
  auto kaos = task_to_json(t, Dialect::kaos);
  EXPECT_EQ(kaos.at("status").at("message"), "Done");
  EXPECT_EQ(kaos.at("mode"), "autonomous");
  EXPECT_EQ(kaos.at("autonomous"), true);
  const auto& ev = kaos.at("events").at(0);
  EXPECT_EQ(ev.at("reason"), "max_iterations");
  EXPECT_EQ(ev.at("data"), js(R"({"reason":"max_iterations","iterations":1})"));
  EXPECT_EQ(reply_text(json::object{{"message", kaos.at("status").at("message")}}), "Done");
  // The other dialects keep a Message there, and no KAOS-only fields.
  EXPECT_EQ(task_to_json(t, Dialect::v03).at("status").at("message").at("kind"), "message");
  EXPECT_FALSE(task_to_json(t, Dialect::v1).contains("mode"));
  EXPECT_FALSE(task_to_json(t, Dialect::v1).contains("events"));
}

TEST(A2aTask, StatusMessageAndEmptyOutput) {
  Task t;
  t.id = "task_x";
  t.state = TaskState::failed;
  t.status_message = Message{"agent", "boom", "", "", "task_x", {}};
  auto o = task_to_json(t, Dialect::v1);
  EXPECT_EQ(o.at("status").at("message").at("parts").at(0).at("text"), "boom");
  EXPECT_EQ(o.at("status").at("message").at("messageId"), "task_x-status");
  EXPECT_TRUE(o.at("artifacts").as_array().empty());
  EXPECT_EQ(reply_text(o), "boom");
}

TEST(A2aTask, ListShapes) {
  std::vector<Task> tasks{finished_task()};
  auto v1 = list_result_json(tasks, Dialect::v1);
  EXPECT_EQ(v1.at("nextPageToken"), "");
  EXPECT_EQ(v1.at("pageSize"), 1);
  EXPECT_EQ(v1.at("totalSize"), 1);
  EXPECT_EQ(v1.at("tasks").at(0).at("status").at("state"), "TASK_STATE_COMPLETED");
  auto kaos = list_result_json(tasks, Dialect::kaos);
  EXPECT_EQ(kaos.at("count"), 1);
  EXPECT_EQ(kaos.at("tasks").at(0).at("sessionId"), "session_1");
}

TEST(A2aTask, CancelSemanticsPerDialect) {
  EXPECT_EQ(cancel_outcome(TaskState::working, Dialect::v1), CancelOutcome::cancel);
  EXPECT_EQ(cancel_outcome(TaskState::input_required, Dialect::kaos), CancelOutcome::cancel);
  EXPECT_EQ(cancel_outcome(TaskState::completed, Dialect::v1), CancelOutcome::not_cancelable);
  EXPECT_EQ(cancel_outcome(TaskState::canceled, Dialect::v1), CancelOutcome::unchanged);
  EXPECT_EQ(cancel_outcome(TaskState::completed, Dialect::kaos), CancelOutcome::unchanged);
  EXPECT_EQ(task_not_found_message("t1"), "Task not found: t1");
}

TEST(A2aParams, EveryPartSpellingIsReadAndJoined) {
  auto v1 = parse_send_params(
      js(R"({"message":{"messageId":"m","role":"ROLE_USER","parts":[{"text":"a"},{"data":{}},{"text":"b"}]}})"),
      Dialect::v1);
  ASSERT_TRUE(v1.has_value()) << v1.error().message;
  EXPECT_EQ(v1->text, "a b");
  EXPECT_EQ(v1->message_id, "m");
  auto v03 = parse_send_params(
      js(R"({"message":{"kind":"message","role":"user","contextId":"c1","parts":[{"kind":"text","text":"x"},{"kind":"file","file":{"uri":"u"}}]}})"),
      Dialect::v03);
  ASSERT_TRUE(v03.has_value());
  EXPECT_EQ(v03->text, "x");
  EXPECT_EQ(v03->context_id, "c1");
  auto kaos = parse_send_params(
      js(R"({"message":{"role":"user","parts":[{"type":"text","text":"k1"},{"type":"text","text":"k2"}],"metadata":{"delegation":true}},"sessionId":"s9"})"),
      Dialect::kaos);
  ASSERT_TRUE(kaos.has_value());
  EXPECT_EQ(kaos->text, "k1 k2");
  EXPECT_EQ(kaos->context_id, "s9");
  EXPECT_EQ(kaos->metadata.at("delegation"), true);
  auto fallback = parse_send_params(js(R"({"message":{"text":"plain"},"contextId":"c2"})"), Dialect::kaos);
  ASSERT_TRUE(fallback.has_value());
  EXPECT_EQ(fallback->text, "plain");
  EXPECT_EQ(fallback->context_id, "c2");
  EXPECT_TRUE(fallback->blocking);
  EXPECT_FALSE(fallback->autonomous);
}

TEST(A2aParams, ConfigurationModeBudgetsAndBlocking) {
  auto p = parse_send_params(js(R"({"message":{"parts":[{"text":"go"}]},"configuration":{"mode":"autonomous",
      "budgets":{"maxIterations":3,"maxRuntimeSeconds":60,"maxToolCalls":"x"}}})"),
                             Dialect::kaos);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->autonomous);
  EXPECT_EQ(p->budgets.max_iterations, 3);
  EXPECT_EQ(p->budgets.max_runtime_seconds, 60);
  EXPECT_EQ(p->budgets.max_tool_calls, 50);  // ill-typed keeps the default
  EXPECT_EQ(p->budgets.interval_seconds, 0);
  auto v1 = parse_send_params(js(R"({"message":{"parts":[{"text":"go"}]},"configuration":{"returnImmediately":true}})"),
                              Dialect::v1);
  EXPECT_FALSE(v1->blocking);
  auto v03 = parse_send_params(
      js(R"({"message":{"parts":[{"kind":"text","text":"go"}]},"configuration":{"blocking":false}})"), Dialect::v03);
  EXPECT_FALSE(v03->blocking);
}

TEST(A2aParams, ErrorsCarryKaosMessages) {
  for (auto bad : {R"({})", R"(null)", R"({"message":"hi"})"}) {
    auto r = parse_send_params(js(bad), Dialect::v1);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().message, "Missing required 'message' parameter");
  }
  for (auto bad : {R"({"message":{"parts":[]}})", R"({"message":{"parts":[{"kind":"file","text":"x"}]}})"}) {
    auto r = parse_send_params(js(bad), Dialect::v03);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().message, "Message must contain text content");
  }
  for (auto bad : {R"({})", R"({"id":""})", R"({"id":7})", R"([])"}) {
    auto r = parse_task_id_params(js(bad));
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().message, "Missing required 'id' parameter");
  }
  auto ok = parse_task_id_params(js(R"({"id":"task_1","historyLength":2})"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->id, "task_1");
  EXPECT_EQ(ok->history_length, 2);
}

TEST(A2aParams, ListParams) {
  EXPECT_TRUE(parse_list_params(json::value()).has_value());
  auto v1 = parse_list_params(js(R"({"contextId":"c","status":"TASK_STATE_WORKING","pageSize":5,"pageToken":"p"})"));
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->context_id, "c");
  EXPECT_EQ(v1->state, TaskState::working);
  EXPECT_EQ(v1->page_size, 5);
  EXPECT_EQ(v1->page_token, "p");
  auto kaos = parse_list_params(js(R"({"sessionId":"s","state":"input-required","limit":2})"));
  ASSERT_TRUE(kaos.has_value());
  EXPECT_EQ(kaos->context_id, "s");
  EXPECT_EQ(kaos->state, TaskState::input_required);
  EXPECT_EQ(kaos->page_size, 2);
  EXPECT_FALSE(parse_list_params(js(R"({"status":"DONE"})")).has_value());
  EXPECT_FALSE(parse_list_params(js(R"([1])")).has_value());
}

TEST(A2aStream, V1EventsAreStreamResponseWrappers) {
  auto t = finished_task();
  t.state = TaskState::working;
  EXPECT_EQ(stream_task_event(t, Dialect::v1).at("task").at("status").at("state"), "TASK_STATE_WORKING");
  auto status = stream_status_event(t, Dialect::v1, false);
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status.at("statusUpdate").at("taskId"), "task_abc");
  EXPECT_EQ(status.at("statusUpdate").at("contextId"), "session_1");
  EXPECT_FALSE(status.at("statusUpdate").as_object().contains("final"));  // gone in 1.0
  auto art = stream_artifact_event(t, Dialect::v1, "Hel", false, true);
  EXPECT_EQ(art.at("artifactUpdate").at("artifact").at("parts"), js(R"([{"text":"Hel"}])"));
  EXPECT_EQ(art.at("artifactUpdate").at("lastChunk"), true);
  Message m{"agent", "hi", "m9", "c", "", {}};
  EXPECT_EQ(stream_message_event(m, Dialect::v1).at("message").at("role"), "ROLE_AGENT");
}

TEST(A2aStream, ZeroThreeEventsCarryKind) {
  auto t = finished_task();
  EXPECT_EQ(stream_task_event(t, Dialect::v03).at("kind"), "task");
  auto status = stream_status_event(t, Dialect::v03, true);
  EXPECT_EQ(status.at("kind"), "status-update");
  EXPECT_EQ(status.at("final"), true);
  EXPECT_EQ(status.at("status").at("state"), "completed");
  auto art = stream_artifact_event(t, Dialect::v03, "x", true, false);
  EXPECT_EQ(art.at("kind"), "artifact-update");
  EXPECT_EQ(art.at("append"), true);
  EXPECT_EQ(art.at("artifact").at("artifactId"), "output");
  EXPECT_EQ(stream_message_event(Message{"agent", "hi", "m", "", "", {}}, Dialect::v03).at("kind"), "message");
}

TEST(A2aCard, CarriesBothGenerationsAndReadsBack) {
  CardInfo info{"sdk-agent", "An agent", "http://127.0.0.1:8000", "0.1.0", {{"echo", "echo", "Echo back"}}, true, true};
  auto card = agent_card_json(info);
  EXPECT_EQ(card.at("supportedInterfaces").at(0),
            js(R"({"url":"http://127.0.0.1:8000/","protocolBinding":"JSONRPC","protocolVersion":"1.0"})"));
  EXPECT_EQ(card.at("url"), "http://127.0.0.1:8000");
  EXPECT_EQ(card.at("protocolVersion"), "0.3.0");
  EXPECT_EQ(card.at("preferredTransport"), "JSONRPC");
  EXPECT_EQ(card.at("supportedProtocols"), js(R"(["jsonrpc"])"));
  EXPECT_EQ(card.at("capabilities"), js(R"({"streaming":true,"pushNotifications":false,"stateTransitionHistory":true,
                                           "message_processing":true,"task_execution":true})"));
  EXPECT_EQ(card.at("skills").at(0).at("tags"), json::array());  // required by 1.0 (and the SDK's 0.3 reader)
  for (auto key : {"name", "description", "version", "defaultInputModes", "defaultOutputModes"})
    EXPECT_TRUE(card.contains(key)) << key;
  auto view = parse_agent_card(card);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->jsonrpc_url, "http://127.0.0.1:8000/");
  EXPECT_EQ(view->protocol_version, "1.0");
  EXPECT_TRUE(view->supports_jsonrpc);
  EXPECT_TRUE(view->streaming);
  ASSERT_EQ(view->skills.size(), 1u);
  EXPECT_EQ(view->skills[0].description, "Echo back");
  // Without supportedInterfaces a 0.3 client reads url + preferredTransport.
  card.erase("supportedInterfaces");
  view = parse_agent_card(card);
  EXPECT_EQ(view->jsonrpc_url, "http://127.0.0.1:8000");
  EXPECT_EQ(view->protocol_version, "0.3.0");
}

TEST(A2aCard, KaosCapabilityKeysArePresentOnlyWhenTheyHold) {
  CardInfo info{"a", "d", "http://h:1", "1", {}, true, true};
  info.tool_execution = true;
  auto caps = agent_card_json(info).at("capabilities").as_object();
  EXPECT_EQ(caps.at("tool_execution"), true);
  EXPECT_FALSE(caps.contains("task_delegation"));
  info.tool_execution = false;
  info.task_delegation = true;
  caps = agent_card_json(info).at("capabilities").as_object();
  EXPECT_FALSE(caps.contains("tool_execution"));
  EXPECT_EQ(caps.at("task_delegation"), true);
}

// The agent card example of the A2A 1.0 specification (docs/specification.md §8.5), trimmed.
TEST(A2aCard, ParsesTheSpecExampleAndLegacyCards) {
  auto spec = parse_agent_card(js(R"({"name":"GeoSpatial Route Planner Agent","description":"Provides routing",
    "supportedInterfaces":[{"url":"https://georoute-agent.example.com/a2a/v1","protocolBinding":"JSONRPC","protocolVersion":"1.0"},
      {"url":"https://georoute-agent.example.com/a2a/grpc","protocolBinding":"GRPC","protocolVersion":"1.0"}],
    "version":"1.2.0","capabilities":{"streaming":true,"pushNotifications":true},
    "defaultInputModes":["application/json"],"defaultOutputModes":["application/json"],
    "skills":[{"id":"route-optimizer-traffic","name":"Traffic-Aware Route Optimizer","description":"Calculates","tags":["maps"]}]})"));
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->jsonrpc_url, "https://georoute-agent.example.com/a2a/v1");
  auto grpc_only = parse_agent_card(
      js(R"({"name":"g","supportedInterfaces":[{"url":"x","protocolBinding":"GRPC","protocolVersion":"1.0"}]})"));
  EXPECT_FALSE(grpc_only->supports_jsonrpc);
  auto kaos = parse_agent_card(js(R"({"name":"worker","description":"d","url":"http://localhost:8000","version":"0.7.0",
    "protocolVersion":"0.3.0","skills":[],"capabilities":{"streaming":true},"supportedProtocols":["jsonrpc"]})"));
  EXPECT_TRUE(kaos->supports_jsonrpc);
  EXPECT_EQ(kaos->jsonrpc_url, "http://localhost:8000");
  auto rest = parse_agent_card(js(R"({"name":"r","url":"http://a/rest","preferredTransport":"HTTP+JSON",
    "additionalInterfaces":[{"url":"http://a/rpc","transport":"JSONRPC"}]})"));
  EXPECT_EQ(rest->jsonrpc_url, "http://a/rpc");
  EXPECT_FALSE(parse_agent_card(js(R"({"description":"no name"})")).has_value());
  EXPECT_FALSE(parse_agent_card(js(R"([])")).has_value());
}

TEST(A2aReply, TextFromEveryDialectAndFallbackOrder) {
  auto t = finished_task();
  EXPECT_EQ(reply_text(send_result_json(t, Dialect::v1)), "Hello from the mock");
  EXPECT_EQ(reply_text(send_result_json(t, Dialect::v03)), "Hello from the mock");
  EXPECT_EQ(reply_text(send_result_json(t, Dialect::kaos)), "Hello from the mock");
  EXPECT_EQ(reply_text(js(R"({"message":{"messageId":"m","role":"ROLE_AGENT","parts":[{"text":"direct"}]}})")),
            "direct");
  EXPECT_EQ(reply_text(js(R"({"kind":"message","role":"agent","parts":[{"kind":"text","text":"m03"}]})")), "m03");
  // KAOS order: artifacts → output → last agent history message → status.message.
  EXPECT_EQ(
      reply_text(js(
          R"({"id":"t","artifacts":[],"output":"out","history":[{"role":"agent","parts":[{"type":"text","text":"h"}]}]})")),
      "out");
  EXPECT_EQ(
      reply_text(js(
          R"({"id":"t","output":"","history":[{"role":"agent","parts":[{"type":"text","text":"h1"}]},{"role":"user","parts":[{"type":"text","text":"u"}]}]})")),
      "h1");
  EXPECT_EQ(
      reply_text(js(
          R"({"id":"t","status":{"state":"failed","message":{"role":"agent","parts":[{"kind":"text","text":"s"}]}}})")),
      "s");
  EXPECT_EQ(reply_text(js(R"({"id":"t","status":{"state":"failed","message":"kaos text"}})")), "kaos text");
  // A completed task's status message ("Done") is not its answer.
  EXPECT_EQ(reply_text(js(R"({"id":"t","output":"","status":{"state":"completed","message":"Done"}})")), "");
  EXPECT_EQ(reply_text(js(R"({"task":{"id":"t","status":{"state":"TASK_STATE_COMPLETED","message":{"role":"ROLE_AGENT",
    "parts":[{"text":"Done"}]}}}})")),
            "");
  EXPECT_EQ(reply_text(js(R"({"id":"t"})")), "");
  EXPECT_EQ(reply_text(js(R"("x")")), "");
}

}  // namespace
}  // namespace kaos::protocol::a2a

namespace kaos::protocol::a2a {
namespace {

TEST(A2aOutbound, SendParamsParseBackInEveryDialect) {
  Message m{"user", "do it", "m-7", "ctx-1", "", {{"delegation", true}}};
  for (auto d : {Dialect::v1, Dialect::v03, Dialect::kaos}) {
    auto params = send_request_params(m, d);
    auto back = parse_send_params(params, d);
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(back->text, "do it");
    EXPECT_EQ(back->message_id, "m-7");
    EXPECT_EQ(back->context_id, "ctx-1");
    EXPECT_EQ(back->metadata.at("delegation"), true);
  }
  EXPECT_EQ(send_request_params(m, Dialect::v1).at("message").at("role"), "ROLE_USER");
  EXPECT_EQ(send_request_params(m, Dialect::kaos).at("sessionId"), "ctx-1");
  EXPECT_EQ(send_method(Dialect::v1), "SendMessage");
  EXPECT_EQ(send_method(Dialect::v03), "message/send");
  EXPECT_EQ(send_method(Dialect::kaos), "tasks/send");
}

}  // namespace
}  // namespace kaos::protocol::a2a
