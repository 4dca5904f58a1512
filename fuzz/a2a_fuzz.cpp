// A2A messages (protocol/a2a): a JSON-RPC body as the agent's A2A endpoint reads it (method
// table, then the params of each method in its dialect), and a document as our client reads
// it (agent card, send result). Invariants: no crash; a parsed send becomes a task whose JSON
// in every dialect is JSON we read back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "protocol/a2a/a2a.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace a2a = kaos::protocol::a2a;
namespace jsonrpc = kaos::protocol::jsonrpc;

namespace {

void check_writes_json(const kaos::json::object& o) {
  FUZZ_CHECK(kaos::parse_json(kaos::to_json(o), 1000).has_value(), "an A2A object we write is not JSON");
}

void serve(const jsonrpc::Message& m) {
  auto info = a2a::lookup_method(m.method);
  if (!info) return;
  switch (info->kind) {
    case a2a::MethodKind::send:
    case a2a::MethodKind::stream: {
      auto p = a2a::parse_send_params(m.params, info->dialect);
      if (!p) return;
      a2a::Task t;
      t.id = p->task_id.empty() ? "t-1" : p->task_id;
      t.context_id = p->context_id;
      t.metadata = p->metadata;
      a2a::Message msg{"user", p->text, p->message_id, p->context_id, t.id, p->metadata};
      t.history.push_back(msg);
      t.output = p->text;
      for (auto d : {a2a::Dialect::v1, a2a::Dialect::v03, a2a::Dialect::kaos}) {
        check_writes_json(a2a::send_result_json(t, d));
        check_writes_json(a2a::stream_artifact_event(t, d, p->text, false, true));
        check_writes_json(a2a::send_request_params(msg, d));
      }
      return;
    }
    case a2a::MethodKind::get:
    case a2a::MethodKind::cancel:
      (void)a2a::parse_task_id_params(m.params);
      return;
    case a2a::MethodKind::list:
      (void)a2a::parse_list_params(m.params);
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto batch = jsonrpc::parse(body);
  for (const auto& in : batch.items) {
    if (in.message) serve(*in.message);
  }
  if (auto doc = kaos::parse_json(body)) {
    if (auto card = a2a::parse_agent_card(*doc)) (void)card->jsonrpc_url;
    (void)a2a::reply_text(*doc);
    if (const auto* o = doc->if_object()) {
      if (const auto* result = kaos::find_field(*o, "result")) (void)a2a::reply_text(*result);
    }
  }
  return 0;
}
