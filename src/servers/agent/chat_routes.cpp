// POST /v1/chat/completions (KAOS-REFERENCE §2.3): the agent as an OpenAI-compatible model.
// The prompt is the last user (or task-delegation) message; the conversation comes from
// memory, not from the request. Streaming sends one progress chunk per tool call, then the
// answer as one chunk, a finish chunk and [DONE].
#include <algorithm>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include "core/ids.hpp"
#include "protocol/openai/chat.hpp"
#include "servers/agent/server_impl.hpp"

namespace kaos::agent {

namespace {

namespace oai = protocol::openai;

struct ChatInput {
  std::string model = "agent";
  bool stream = false;
  std::string session_id;
  std::string prompt;
  bool delegated = false;
  json::array context;  ///< for a task-delegation: the delegating agent's turns before it
};

// Validates the request; the error is the `detail` of a 400.
// Session ids are echoed in the X-Session-ID response header and name memory keys, so they are
// held to a charset that can do no harm in either (docs/agent.md, "Sessions").
constexpr std::size_t kMaxSessionId = 128;

std::optional<Error> check_session_id(std::string_view id, std::string_view field) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':' || c == '@';
  };
  if (id.size() <= kMaxSessionId && std::all_of(id.begin(), id.end(), allowed)) return std::nullopt;
  return Error::invalid(std::string(field) + ": a session id is 1-" + std::to_string(kMaxSessionId) +
                        " characters of A-Z, a-z, 0-9 and - _ . : @");
}

Result<ChatInput> read_chat_request(const net::Request& req) {
  auto parsed = parse_json(req.body);
  if (!parsed) return Error::invalid("request body is not valid JSON: " + parsed.error().message);
  if (!parsed->is_object()) return Error::invalid("request body must be a JSON object");
  const auto& body = parsed->get_object();
  ChatInput in;
  if (const auto* m = find_field(body, "model")) {
    if (!m->is_string()) return Error::invalid("model must be a string");
    if (!m->get_string().empty()) in.model = std::string(m->get_string());
  }
  if (const auto* s = find_field(body, "stream")) {
    if (!s->is_bool()) return Error::invalid("stream must be a boolean");
    in.stream = s->get_bool();
  }
  const auto* messages = find_field(body, "messages");
  if (!messages || (messages->is_array() && messages->get_array().empty()))
    return Error::invalid("messages are required");
  if (!messages->is_array()) return Error::invalid("messages must be an array of {role, content} objects");
  const auto& arr = messages->get_array();
  std::optional<std::size_t> last;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto* o = arr[i].if_object();
    if (!o) return Error::invalid(fmt::format("messages[{}] must be an object with role and content", i));
    const auto* role = find_field(*o, "role");
    if (!role || !role->is_string()) return Error::invalid(fmt::format("messages[{}].role must be a string", i));
    const auto* content = find_field(*o, "content");
    if (content && !content->is_string() && !content->is_array())
      return Error::invalid(fmt::format("messages[{}].content must be a string or an array of content parts", i));
    if (role->get_string() == "user" || role->get_string() == "task-delegation") last = i;
  }
  if (!last) return Error::invalid("No user or task-delegation message found");
  const auto& msg = arr[*last].get_object();
  in.prompt = oai::content_text(find_field(msg, "content"));
  in.delegated = msg.at("role").get_string() == "task-delegation";
  if (in.delegated) {
    for (std::size_t i = 0; i < *last; ++i) {
      const auto& o = arr[i].get_object();
      auto role = o.at("role").get_string();
      if (role != "user" && role != "assistant") continue;
      json::object m;
      m["role"] = role;
      m["content"] = oai::content_text(find_field(o, "content"));
      in.context.push_back(std::move(m));
    }
  }
  if (auto h = req.headers.get("X-Session-ID"); h && !h->empty()) {
    if (auto bad = check_session_id(*h, "X-Session-ID")) return *bad;
    in.session_id = std::string(*h);
  } else if (const auto* s = find_field(body, "session_id"); s && s->is_string() && !s->get_string().empty()) {
    if (auto bad = check_session_id(s->get_string(), "session_id")) return *bad;
    in.session_id = std::string(s->get_string());
  } else {
    in.session_id = random_id("session_", 12);
  }
  return in;
}

/// A run that failed (its model request failed: unreachable, timed out, an error status or a
/// reply that is not a completion) answers 502: the agent is a gateway to its model here.
constexpr int kFailedRunStatus = 502;

std::string failed_run_message(const RunResult& r) {
  return "the agent run failed: " + r.error;
}

/// KAOS's streaming error: {"error":{"type":"server_error","message":…}} as one SSE event.
std::string error_event(std::string_view message) {
  json::object e;
  e["type"] = "server_error";
  e["message"] = message;
  json::object o;
  o["error"] = std::move(e);
  return oai::sse_data(to_json(o));
}

std::string progress_json(const ProgressEvent& p) {
  json::object o;
  o["type"] = "progress";
  o["step"] = p.step;
  o["max_steps"] = p.max_steps;
  o["action"] = p.action;
  o["target"] = p.target;
  return to_json(o);
}

std::string content_chunk(const ChatInput& in, std::int64_t created, std::string_view text) {
  json::object delta;
  delta["content"] = text;
  return oai::sse_data(to_json(oai::make_chunk(in.session_id, created, in.model, std::move(delta))));
}

}  // namespace

void AgentServer::Impl::mount_chat(net::Router& r) {
  r.post("/v1/chat/completions", [this](net::Request& req) -> net::Task<net::Response> {
    auto input = read_chat_request(req);
    if (!input) co_return net::Response::detail(400, input.error().message);
    std::size_t message_bytes = input->prompt.size();
    for (const auto& turn : input->context) message_bytes += to_json(turn).size();
    if (auto too_large = message_too_large(message_bytes, config)) co_return net::Response::detail(413, *too_large);
    auto in = std::make_shared<ChatInput>(std::move(*input));
    auto ctx = inbound_context(req);

    auto run_request = [in, ctx]() {
      RunRequest run;
      run.session_id = in->session_id;
      run.prompt = in->prompt;
      run.delegated = in->delegated;
      run.inbound_context = in->context;
      run.outbound_headers = ctx.outbound;
      run.delegation_depth = ctx.depth;
      return run;
    };

    if (!in->stream) {
      auto result = co_await loop->run(run_request());
      if (result.failed) {
        // KAOS answers 200 with "Sorry, I encountered an error: …" as the content; a client or
        // a load balancer then cannot tell a failed run from an answer (docs/agent.md).
        auto res = net::Response::detail(kFailedRunStatus, failed_run_message(result));
        res.headers.set("X-Session-ID", in->session_id);
        co_return res;
      }
      json::object message;
      message["role"] = "assistant";
      message["content"] = result.text;
      // KAOS reports no token usage here (zeros) and no logprobs field.
      auto body = oai::make_completion(in->session_id, unix_seconds(), in->model, std::move(message), "stop",
                                       oai::Usage{}, oai::Logprobs::omitted);
      auto res = net::Response::json(200, to_json(body));
      res.headers.set("X-Session-ID", in->session_id);
      co_return res;
    }

    auto res = net::sse_response();
    res.headers.set("X-Session-ID", in->session_id);
    auto* self = this;
    res.stream = [self, in, run_request](net::BodyWriter& out) -> net::Task<void> {
      const auto created = unix_seconds();
      auto run = run_request();
      run.on_progress = [&out, in, created](const ProgressEvent& p) -> net::Task<void> {
        co_await out.write(content_chunk(*in, created, progress_json(p)));
      };
      std::string tail;
      try {
        auto result = co_await self->loop->run(std::move(run));
        if (result.failed) {
          tail = error_event(failed_run_message(result));  // the status line (200) is already sent
        } else {
          tail = content_chunk(*in, created, std::move(result.text));
          tail += oai::sse_data(to_json(oai::make_chunk(in->session_id, created, in->model, json::object{}, "stop")));
        }
      } catch (const boost::system::system_error& e) {
        if (e.code() == boost::asio::error::operation_aborted) throw;  // the client went away
        tail = error_event(e.what());
      } catch (const std::exception& e) {
        tail = error_event(e.what());
      }
      tail += oai::kSseDone;
      co_await out.write(tail);
    };
    co_return res;
  });
}

}  // namespace kaos::agent
