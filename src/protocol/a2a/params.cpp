// Method names, the A2A-Version header, and request params of every dialect (see a2a.hpp).
#include <array>
#include <charconv>

#include "protocol/a2a/a2a.hpp"

namespace kaos::protocol::a2a {
namespace {

struct MethodEntry {
  std::string_view name;
  MethodInfo info;
};
// `tasks/get` and `tasks/cancel` are both KAOS aliases and 0.3 names: they resolve to kaos,
// whose task JSON is a superset of the 0.3 Task (kind, contextId, kebab-case states, parts
// with `kind`), so one answer serves both kinds of client.
constexpr std::array<MethodEntry, 11> kMethods{{
    {"SendMessage", {MethodKind::send, Dialect::v1}},
    {"SendStreamingMessage", {MethodKind::stream, Dialect::v1}},
    {"GetTask", {MethodKind::get, Dialect::v1}},
    {"ListTasks", {MethodKind::list, Dialect::v1}},
    {"CancelTask", {MethodKind::cancel, Dialect::v1}},
    {"tasks/send", {MethodKind::send, Dialect::kaos}},
    {"tasks/get", {MethodKind::get, Dialect::kaos}},
    {"tasks/list", {MethodKind::list, Dialect::kaos}},
    {"tasks/cancel", {MethodKind::cancel, Dialect::kaos}},
    {"message/send", {MethodKind::send, Dialect::v03}},
    {"message/stream", {MethodKind::stream, Dialect::v03}},
}};

const json::object* object_field(const json::object& o, std::string_view key) {
  const auto* v = find_field(o, key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

std::string string_or_empty(const json::object& o, std::string_view key) {
  auto s = string_field(o, key);
  return s ? std::string(*s) : std::string();
}

// Budgets keep their defaults for absent or non-numeric fields (KAOS's pydantic defaults).
void read_budgets(const json::object& b, Budgets& out) {
  auto read = [&](std::string_view key, std::int64_t& slot) {
    if (const auto* v = find_field(b, key)) {
      if (auto n = as_int64(*v)) slot = *n;
    }
  };
  read("maxIterations", out.max_iterations);
  read("maxRuntimeSeconds", out.max_runtime_seconds);
  read("maxToolCalls", out.max_tool_calls);
  read("intervalSeconds", out.interval_seconds);
}

}  // namespace

std::optional<MethodInfo> lookup_method(std::string_view method) {
  for (const auto& m : kMethods) {
    if (m.name == method) return m.info;
  }
  return std::nullopt;
}

std::optional<ProtocolVersion> parse_version(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return ProtocolVersion::v03;  // spec §3.6.2: empty means 0.3
  int major = -1, minor = 0;
  const char* end = v.data() + v.size();
  auto r = std::from_chars(v.data(), end, major);
  if (r.ec != std::errc() || major < 0) return std::nullopt;
  if (r.ptr != end) {
    if (*r.ptr != '.') return std::nullopt;
    auto r2 = std::from_chars(r.ptr + 1, end, minor);
    if (r2.ec != std::errc()) return std::nullopt;
    if (r2.ptr != end && *r2.ptr != '.') return std::nullopt;  // a patch number is ignored
  }
  if (major == 0 && minor == 3) return ProtocolVersion::v03;
  if (major == 1 && minor == 0) return ProtocolVersion::v1;
  return std::nullopt;
}

bool is_supported_version(std::string_view v) {
  return parse_version(v).has_value();
}

Dialect answer_dialect(const MethodInfo& method, ProtocolVersion version) {
  // The PascalCase names are shared: the official 1.0 SDKs always send `A2A-Version: 1.0`,
  // KAOS's clients never send the header. Only the header tells them apart.
  if (method.dialect == Dialect::v1 && version != ProtocolVersion::v1) return Dialect::kaos;
  return method.dialect;
}

Result<SendParams> parse_send_params(const json::value& params, Dialect /*d*/) {
  // One reader for all dialects: each spells the same things differently, never in conflict.
  const json::object* p = params.is_object() ? &params.as_object() : nullptr;
  const json::object* msg = p ? object_field(*p, "message") : nullptr;
  if (!msg) return Error::invalid("Missing required 'message' parameter");

  SendParams out;
  std::string text;
  if (const auto* parts = find_field(*msg, "parts"); parts && parts->is_array()) {
    for (const auto& part : parts->as_array()) {
      auto t = part_text(part);
      if (!t || t->empty()) continue;
      if (!text.empty()) text += ' ';
      text += *t;
    }
  }
  if (text.empty()) text = string_or_empty(*msg, "text");  // KAOS's fallback
  if (text.empty()) return Error::invalid("Message must contain text content");
  out.text = std::move(text);

  out.message_id = string_or_empty(*msg, "messageId");
  out.task_id = string_or_empty(*msg, "taskId");
  out.context_id = string_or_empty(*msg, "contextId");
  if (out.context_id.empty()) out.context_id = string_or_empty(*p, "contextId");
  if (out.context_id.empty()) out.context_id = string_or_empty(*p, "sessionId");

  if (const auto* md = object_field(*p, "metadata")) out.metadata = *md;
  if (const auto* md = object_field(*msg, "metadata")) {
    for (const auto& kv : *md) out.metadata[kv.key()] = kv.value();
  }

  if (const auto* cfg = object_field(*p, "configuration")) {
    out.autonomous = string_field(*cfg, "mode").value_or("") == "autonomous";
    if (const auto* b = object_field(*cfg, "budgets")) read_budgets(*b, out.budgets);
    if (bool_field(*cfg, "returnImmediately").value_or(false)) out.blocking = false;  // 1.0
    if (!bool_field(*cfg, "blocking").value_or(true)) out.blocking = false;           // 0.3 / old KAOS
  }
  return out;
}

Result<TaskIdParams> parse_task_id_params(const json::value& params) {
  const json::object* p = params.is_object() ? &params.as_object() : nullptr;
  auto id = p ? string_field(*p, "id") : std::nullopt;
  if (!id || id->empty()) return Error::invalid("Missing required 'id' parameter");
  TaskIdParams out;
  out.id = std::string(*id);
  if (const auto* h = find_field(*p, "historyLength")) out.history_length = as_int64(*h);
  return out;
}

Result<ListParams> parse_list_params(const json::value& params) {
  ListParams out;
  if (params.is_null()) return out;
  if (!params.is_object()) return Error::invalid("params must be an object");
  const auto& p = params.as_object();
  out.context_id = string_or_empty(p, "contextId");
  if (out.context_id.empty()) out.context_id = string_or_empty(p, "sessionId");
  for (std::string_view key : {"status", "state"}) {
    auto name = string_field(p, key);
    // The official JS SDK 1.x sends "UNRECOGNIZED" for listTasks({}) (its protobuf writer
    // serializes the unset enum that way): like UNSPECIFIED, it means no filter.
    if (!name || name->empty() || *name == "TASK_STATE_UNSPECIFIED" || *name == "UNRECOGNIZED") continue;
    auto st = parse_state(*name);
    if (!st) return Error::invalid("Unknown task state '" + std::string(*name) + "'");
    out.state = st;
    break;
  }
  for (std::string_view key : {"pageSize", "limit"}) {
    if (const auto* v = find_field(p, key)) {
      out.page_size = as_int64(*v);
      if (out.page_size) break;
    }
  }
  out.page_token = string_or_empty(p, "pageToken");
  return out;
}

}  // namespace kaos::protocol::a2a
