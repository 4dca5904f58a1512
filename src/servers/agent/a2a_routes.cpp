// POST / — A2A JSON-RPC 2.0 (KAOS-REFERENCE §2.5): the 1.0 methods, KAOS's tasks/* aliases and
// the 0.3 names, each answered in the dialect the method and the A2A-Version header pick
// (protocol/a2a answer_dialect). Always HTTP 200 with a JSON-RPC body, except
// SendStreamingMessage / message/stream, which answer with SSE.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include "protocol/jsonrpc/message.hpp"
#include "servers/agent/server_impl.hpp"

namespace kaos::agent {

namespace {

namespace rpc = protocol::jsonrpc;

net::Response rpc_error(const rpc::Id& id, int code, std::string message) {
  rpc::ErrorObject e;
  e.code = code;
  e.message = std::move(message);
  return net::Response::json(200, rpc::error_json(id, e));
}

net::Response rpc_result(const rpc::Id& id, const json::value& result) {
  return net::Response::json(200, rpc::result_json(id, result));
}

bool waiting_state(a2a::TaskState s) {
  return a2a::is_terminal(s) || s == a2a::TaskState::input_required;
}

}  // namespace

void AgentServer::Impl::mount_a2a(net::Router& r) {
  r.post("/", [this](net::Request& req) -> net::Task<net::Response> {
    auto batch = rpc::parse(req.body, 1);
    if (batch.batch)
      co_return rpc_error(nullptr, rpc::kInvalidRequest, "Invalid JSON-RPC request: batches are not supported");
    if (batch.items.empty()) co_return rpc_error(nullptr, rpc::kInvalidRequest, "Invalid JSON-RPC request");
    auto& item = batch.items.front();
    if (item.rejection) {
      auto e = *item.rejection;
      if (e.code == rpc::kParseError) e.message = "Parse error: " + e.message;
      co_return net::Response::json(200, rpc::error_json(item.reply_id, e));
    }
    const auto& msg = *item.message;
    if (msg.kind != rpc::Message::Kind::request) co_return net::Response::empty(204);  // notifications: no answer
    const rpc::Id id = msg.id;
    auto info = a2a::lookup_method(msg.method);
    if (!info) co_return rpc_error(id, rpc::kMethodNotFound, "Method not found: " + msg.method);
    const auto version_header = req.headers.get("A2A-Version").value_or("");
    const auto version = a2a::parse_version(version_header);
    if (!version)
      co_return rpc_error(id, a2a::kVersionNotSupported,
                          fmt::format("A2A version '{}' is not supported (served: 1.0, 0.3)", version_header));
    const auto dialect = a2a::answer_dialect(*info, *version);

    switch (info->kind) {
      case a2a::MethodKind::send: {
        auto params = a2a::parse_send_params(msg.params, dialect);
        if (!params) co_return rpc_error(id, rpc::kInvalidParams, params.error().message);
        if (auto too_large = message_too_large(params->text.size(), config))
          co_return net::Response::json(413, rpc::error_json(id, {rpc::kInvalidParams, *too_large, std::nullopt}));
        auto ctx = inbound_context(req);
        // Non-blocking and autonomous sends answer the task as submit() left it (submitted,
        // resp. working), taken before its run could begin.
        auto created = tasks->submit(*params, ctx.outbound, ctx.depth);
        if (!params->blocking || params->autonomous) co_return rpc_result(id, a2a::send_result_json(created, dialect));
        std::optional<a2a::Task> task;
        try {
          task = co_await tasks->wait_done(created.id);
        } catch (const boost::system::system_error&) {
          tasks->cancel(created.id);  // the caller went away: stop its run
          throw;
        }
        if (!task) co_return rpc_error(id, rpc::kInternalError, "task vanished: " + created.id);
        co_return rpc_result(id, a2a::send_result_json(*task, dialect));
      }
      case a2a::MethodKind::stream: {
        auto params = a2a::parse_send_params(msg.params, dialect);
        if (!params) co_return rpc_error(id, rpc::kInvalidParams, params.error().message);
        if (auto too_large = message_too_large(params->text.size(), config))
          co_return net::Response::json(413, rpc::error_json(id, {rpc::kInvalidParams, *too_large, std::nullopt}));
        auto ctx = inbound_context(req);
        auto first = tasks->submit(*params, ctx.outbound, ctx.depth);
        auto task_id = first.id;
        auto res = net::sse_response();
        auto* self = this;
        res.stream = [self, id, task_id, dialect, first](net::BodyWriter& out) -> net::Task<void> {
          net::SseWriter sse(out);
          try {
            a2a::Task t = first;
            co_await sse.event(rpc::result_json(id, a2a::stream_task_event(t, dialect)));
            while (!waiting_state(t.state)) {
              // Read before waiting: the task may have moved on while the last event was written.
              auto now = self->tasks->get(task_id);
              if (!now) break;  // gone (a disabled store drops a task when its run ends)
              if (now->state == t.state) {
                co_await self->tasks->wait_change(task_id);
                continue;
              }
              t = std::move(*now);
              if (t.state == a2a::TaskState::completed && !t.output.empty())
                co_await sse.event(rpc::result_json(id, a2a::stream_artifact_event(t, dialect, t.output, false, true)));
              co_await sse.event(rpc::result_json(id, a2a::stream_status_event(t, dialect, waiting_state(t.state))));
            }
          } catch (const boost::system::system_error&) {
            self->tasks->cancel(task_id);
            throw;
          }
        };
        co_return res;
      }
      case a2a::MethodKind::get: {
        auto params = a2a::parse_task_id_params(msg.params);
        if (!params) co_return rpc_error(id, rpc::kInvalidParams, params.error().message);
        auto task = tasks->get(params->id);
        if (!task) co_return rpc_error(id, a2a::kTaskNotFound, a2a::task_not_found_message(params->id));
        if (params->history_length && *params->history_length >= 0 &&
            task->history.size() > static_cast<std::size_t>(*params->history_length))
          task->history.erase(task->history.begin(),
                              task->history.end() - static_cast<std::ptrdiff_t>(*params->history_length));
        co_return rpc_result(id, a2a::task_to_json(*task, dialect));
      }
      case a2a::MethodKind::list: {
        auto params = a2a::parse_list_params(msg.params);
        if (!params) co_return rpc_error(id, rpc::kInvalidParams, params.error().message);
        std::size_t limit = 100;
        if (params->page_size && *params->page_size > 0)
          limit = static_cast<std::size_t>(std::min<std::int64_t>(*params->page_size, 1000));
        std::size_t total = 0;
        auto list = tasks->list(params->context_id, params->state, limit, &total);
        co_return rpc_result(id, a2a::list_result_json(list, dialect, {}, static_cast<std::int64_t>(total)));
      }
      case a2a::MethodKind::cancel: {
        auto params = a2a::parse_task_id_params(msg.params);
        if (!params) co_return rpc_error(id, rpc::kInvalidParams, params.error().message);
        auto task = tasks->get(params->id);
        if (!task) co_return rpc_error(id, a2a::kTaskNotFound, a2a::task_not_found_message(params->id));
        switch (a2a::cancel_outcome(task->state, dialect)) {
          case a2a::CancelOutcome::not_cancelable:
            co_return rpc_error(id, a2a::kTaskNotCancelable, a2a::task_not_cancelable_message(params->id));
          case a2a::CancelOutcome::cancel:
            tasks->cancel(params->id);
            task = tasks->get(params->id);
            break;
          case a2a::CancelOutcome::unchanged:
            break;
        }
        co_return rpc_result(id, a2a::task_to_json(*task, dialect));
      }
    }
    co_return rpc_error(id, rpc::kInternalError, "unhandled method " + msg.method);
  });
}

}  // namespace kaos::agent
