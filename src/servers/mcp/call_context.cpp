#include "servers/mcp/call_context.hpp"

#include "protocol/mcp/mcp.hpp"

namespace kaos::mcp::detail {

namespace pmcp = protocol::mcp;

void CallContextImpl::progress(double progress, std::optional<double> total, std::string_view message) {
  if (token_.is_null()) return;  // the client did not ask for progress
  session_->outbound().send(
      jsonrpc::notification_json("notifications/progress", pmcp::progress_params(token_, progress, total, message)),
      request_id_);
}

void CallContextImpl::log(std::string_view level, const json::value& data, std::string_view logger) {
  if (!session_->wants_log(level)) return;
  session_->outbound().send(jsonrpc::notification_json("notifications/message", pmcp::log_params(level, data, logger)),
                            request_id_);
}

Task<Result<json::value>> CallContextImpl::request(std::string_view method, json::value params,
                                                   std::chrono::milliseconds timeout) {
  co_return co_await session_->request(method, std::move(params), request_id_, timeout);
}

void CallContextImpl::close_stream() {
  session_->outbound().close_stream(request_id_);
}

}  // namespace kaos::mcp::detail
