// Cases from the JSON-RPC 2.0 specification, §7 "Examples".
#include <gtest/gtest.h>

#include <cmath>

#include "protocol/jsonrpc/message.hpp"

using namespace kaos;
namespace rpc = kaos::protocol::jsonrpc;

TEST(JsonRpc, RequestWithPositionalParams) {
  auto in = rpc::parse(R"({"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1})");
  ASSERT_FALSE(in.batch);
  ASSERT_EQ(in.items.size(), 1u);
  ASSERT_TRUE(in.items[0].message);
  const auto& m = *in.items[0].message;
  EXPECT_EQ(m.kind, rpc::Message::Kind::request);
  EXPECT_EQ(m.method, "subtract");
  EXPECT_EQ(m.id, json::value(1));
  EXPECT_EQ(m.params.as_array().size(), 2u);
}

TEST(JsonRpc, NotificationHasNoId) {
  auto in = rpc::parse(R"({"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]})");
  ASSERT_TRUE(in.items[0].message);
  EXPECT_EQ(in.items[0].message->kind, rpc::Message::Kind::notification);
}

TEST(JsonRpc, InvalidJsonIsParseErrorWithNullId) {
  auto in = rpc::parse(R"({"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz])");
  ASSERT_EQ(in.items.size(), 1u);
  ASSERT_TRUE(in.items[0].rejection);
  EXPECT_EQ(in.items[0].rejection->code, rpc::kParseError);
  EXPECT_TRUE(in.items[0].reply_id.is_null());
}

TEST(JsonRpc, InvalidRequestObject) {
  auto in = rpc::parse(R"({"jsonrpc": "2.0", "method": 1, "params": "bar"})");
  ASSERT_TRUE(in.items[0].rejection);
  EXPECT_EQ(in.items[0].rejection->code, rpc::kInvalidRequest);
  EXPECT_TRUE(in.items[0].reply_id.is_null());
}

TEST(JsonRpc, WrongVersionKeepsTheIdForTheAnswer) {
  auto in = rpc::parse(R"({"jsonrpc": "1.0", "method": "x", "id": "abc"})");
  ASSERT_TRUE(in.items[0].rejection);
  EXPECT_EQ(in.items[0].rejection->code, rpc::kInvalidRequest);
  EXPECT_EQ(in.items[0].reply_id, json::value("abc"));
}

TEST(JsonRpc, BatchRules) {
  auto empty = rpc::parse("[]");
  EXPECT_FALSE(empty.batch);  // answered with one error object, not an array
  ASSERT_EQ(empty.items.size(), 1u);
  EXPECT_EQ(empty.items[0].rejection->code, rpc::kInvalidRequest);

  auto ones = rpc::parse("[1,2,3]");
  EXPECT_TRUE(ones.batch);
  ASSERT_EQ(ones.items.size(), 3u);
  for (const auto& i : ones.items) EXPECT_EQ(i.rejection->code, rpc::kInvalidRequest);

  auto mixed = rpc::parse(R"([
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
    {"foo": "boo"},
    {"jsonrpc": "2.0", "method": "get_data", "id": "9"}])");
  ASSERT_EQ(mixed.items.size(), 4u);
  EXPECT_EQ(mixed.items[0].message->kind, rpc::Message::Kind::request);
  EXPECT_EQ(mixed.items[1].message->kind, rpc::Message::Kind::notification);
  EXPECT_TRUE(mixed.items[2].rejection);
  EXPECT_EQ(mixed.items[3].message->id, json::value("9"));

  auto too_many = rpc::parse("[1,2,3]", 2);
  EXPECT_FALSE(too_many.batch);
  EXPECT_EQ(too_many.items[0].rejection->code, rpc::kInvalidRequest);
}

TEST(JsonRpc, ResponsesAndErrors) {
  auto ok = rpc::parse(R"({"jsonrpc": "2.0", "result": 19, "id": 1})");
  EXPECT_EQ(ok.items[0].message->kind, rpc::Message::Kind::response);
  EXPECT_EQ(ok.items[0].message->result, json::value(19));

  auto err = rpc::parse(
      R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found", "data": 1}, "id": "1"})");
  ASSERT_TRUE(err.items[0].message);
  EXPECT_EQ(err.items[0].message->error.code, rpc::kMethodNotFound);
  EXPECT_TRUE(err.items[0].message->error.data);

  auto both = rpc::parse(R"({"jsonrpc": "2.0", "result": 1, "error": {"code": 1, "message": "x"}, "id": 1})");
  EXPECT_TRUE(both.items[0].rejection);
  auto bad_error = rpc::parse(R"({"jsonrpc": "2.0", "error": "nope", "id": 1})");
  EXPECT_TRUE(bad_error.items[0].rejection);
  auto bad_params = rpc::parse(R"({"jsonrpc": "2.0", "method": "m", "params": 3, "id": 1})");
  EXPECT_TRUE(bad_params.items[0].rejection);
  auto bad_id = rpc::parse(R"({"jsonrpc": "2.0", "method": "m", "id": {"x": 1}})");
  ASSERT_TRUE(bad_id.items[0].rejection);
  EXPECT_TRUE(bad_id.items[0].reply_id.is_null());
}

TEST(JsonRpc, SerializationRoundTrips) {
  auto req = rpc::parse(rpc::request_json(7, "tools/call", json::object{{"name", "echo"}}));
  ASSERT_TRUE(req.items[0].message);
  EXPECT_EQ(req.items[0].message->method, "tools/call");
  EXPECT_EQ(req.items[0].message->params.at("name"), json::value("echo"));

  auto note = rpc::parse(rpc::notification_json("notifications/initialized"));
  EXPECT_EQ(note.items[0].message->kind, rpc::Message::Kind::notification);
  EXPECT_FALSE(note.items[0].message->params.is_object());

  auto res = rpc::parse(rpc::result_json("a", json::object{{"ok", true}}));
  EXPECT_EQ(res.items[0].message->result.at("ok"), json::value(true));

  auto err = rpc::parse(rpc::error_json(nullptr, {rpc::kInvalidParams, "bad", json::value("detail")}));
  ASSERT_TRUE(err.items[0].message);
  EXPECT_EQ(err.items[0].message->error.code, rpc::kInvalidParams);
  EXPECT_EQ(*err.items[0].message->error.data, json::value("detail"));
}

// Ids come back exactly as sent: strings, and integers of any size (Boost.JSON reads those
// beyond 64 bits as doubles; the raw text is kept).
TEST(JsonRpc, IdsRoundTripExactly) {
  for (std::string id :
       {"1", "-7", "9223372036854775807", "18446744073709551615", "-9223372036854775808",
        "123456789012345678901234567890", "-99999999999999999999999", "\"abc\"", "\"\"", "\"\\u00e9\\\"x\"", "null"}) {
    auto in = rpc::parse(R"({"jsonrpc":"2.0","method":"ping","id":)" + id + "}");
    ASSERT_TRUE(in.items[0].message) << id;
    EXPECT_EQ(in.items[0].message->id.json_text(), id == "\"\\u00e9\\\"x\"" ? "\"é\\\"x\"" : id) << id;
    const auto answer = rpc::result_json(in.items[0].message->id, json::object{});
    EXPECT_NE(answer.find(R"("id":)" + in.items[0].message->id.json_text() + ","), std::string::npos) << answer;
  }
}

TEST(JsonRpc, BigIntegerIdsSurviveBatchesNestingAndKeyOrder) {
  auto in = rpc::parse(R"([{"params":{"id":1.5},"id":111111111111111111111111,"jsonrpc":"2.0","method":"a"},)"
                       R"( 5, {"jsonrpc":"2.0","method":"b","id":"s"},)"
                       R"({"jsonrpc":"2.0","method":"c","id" : -222222222222222222222222 }])");
  ASSERT_TRUE(in.batch);
  ASSERT_EQ(in.items.size(), 4u);
  EXPECT_EQ(in.items[0].message->id.json_text(), "111111111111111111111111");
  EXPECT_TRUE(in.items[1].rejection);
  EXPECT_EQ(in.items[2].message->id.json_text(), "\"s\"");
  EXPECT_EQ(in.items[3].message->id.json_text(), "-222222222222222222222222");
  EXPECT_EQ(rpc::error_json(in.items[3].message->id, {rpc::kInternalError, "x", std::nullopt}),
            R"({"jsonrpc":"2.0","id":-222222222222222222222222,"error":{"code":-32603,"message":"x"}})");
}

TEST(JsonRpc, FractionalExponentAndNonFiniteIdsAreInvalidRequests) {
  for (std::string id : {"1.5", "1.0", "1e3", "1e400", "-1e400", "[1]", "{}", "true"}) {
    auto in = rpc::parse(R"({"jsonrpc":"2.0","method":"ping","id":)" + id + "}");
    ASSERT_TRUE(in.items[0].rejection) << id;
    EXPECT_EQ(in.items[0].rejection->code, rpc::kInvalidRequest) << id;
    EXPECT_TRUE(in.items[0].reply_id.is_null()) << id;
    const auto answer = rpc::error_json(in.items[0].reply_id, *in.items[0].rejection);
    EXPECT_EQ(answer.find("Infinity"), std::string::npos) << answer;
    EXPECT_NE(answer.find(R"("id":null)"), std::string::npos) << answer;
  }
}

TEST(JsonRpc, NonFiniteNumbersAreNeverWritten) {
  auto in = rpc::parse(R"({"jsonrpc":"2.0","method":"echo","id":1,"params":{"x":1e400,"y":[-1e999]}})");
  ASSERT_TRUE(in.items[0].message);
  const auto out = rpc::request_json(in.items[0].message->id, "echo", in.items[0].message->params);
  EXPECT_EQ(out, R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":null,"y":[null]}})");
  EXPECT_TRUE(parse_json(rpc::result_json(2, json::value(std::nan("")))));
}
