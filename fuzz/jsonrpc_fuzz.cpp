// JSON-RPC (protocol/jsonrpc): a body as a server receives it, then the answers it writes.
// Invariants: a rejection or reply is JSON we read back as a valid JSON-RPC message with the
// same id; a message's serialization parses back as the same kind.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace jsonrpc = kaos::protocol::jsonrpc;

namespace {

void reparse_as(const std::string& text, jsonrpc::Message::Kind kind) {
  auto back = jsonrpc::parse(text);
  FUZZ_CHECK(!back.batch && back.items.size() == 1, "a written message does not parse as one message");
  FUZZ_CHECK(back.items[0].message.has_value(), "a written message is rejected by our own parser");
  FUZZ_CHECK(back.items[0].message->kind == kind, "a written message parses as another kind");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto batch = jsonrpc::parse(body, 8);
  FUZZ_CHECK(batch.batch || batch.items.size() == 1, "a single body must give exactly one item");
  FUZZ_CHECK(batch.items.size() <= 8 || !batch.batch, "max_batch not enforced");
  for (const auto& in : batch.items) {
    FUZZ_CHECK(in.message.has_value() != in.rejection.has_value(), "an item is a message xor a rejection");
    if (in.rejection) {
      reparse_as(jsonrpc::error_json(in.reply_id, *in.rejection), jsonrpc::Message::Kind::error);
      continue;
    }
    const auto& m = *in.message;
    switch (m.kind) {
      case jsonrpc::Message::Kind::request:
        reparse_as(jsonrpc::request_json(m.id, m.method, m.params), jsonrpc::Message::Kind::request);
        reparse_as(jsonrpc::result_json(m.id, m.params), jsonrpc::Message::Kind::response);
        break;
      case jsonrpc::Message::Kind::notification:
        reparse_as(jsonrpc::notification_json(m.method, m.params), jsonrpc::Message::Kind::notification);
        break;
      case jsonrpc::Message::Kind::response:
        reparse_as(jsonrpc::result_json(m.id, m.result), jsonrpc::Message::Kind::response);
        break;
      case jsonrpc::Message::Kind::error:
        reparse_as(jsonrpc::error_json(m.id, m.error), jsonrpc::Message::Kind::error);
        break;
    }
  }
  return 0;
}
