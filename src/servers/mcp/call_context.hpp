#pragma once
// Internal: the CallContext a native tool call receives, bound to its session and request.
#include <memory>

#include "servers/mcp/native_session.hpp"
#include "servers/mcp/tool.hpp"

namespace kaos::mcp::detail {

class CallContextImpl final : public CallContext {
 public:
  CallContextImpl(std::shared_ptr<NativeSession> session, json::value request_id, json::value progress_token)
      : session_(std::move(session)), request_id_(std::move(request_id)), token_(std::move(progress_token)) {}

  const json::value& progress_token() const override { return token_; }
  void progress(double progress, std::optional<double> total, std::string_view message) override;
  void log(std::string_view level, const json::value& data, std::string_view logger) override;
  const json::object& client_capabilities() const override { return session_->client_capabilities(); }
  Task<Result<json::value>> request(std::string_view method, json::value params,
                                    std::chrono::milliseconds timeout) override;
  void close_stream() override;

 private:
  std::shared_ptr<NativeSession> session_;
  json::value request_id_;
  json::value token_;
};

}  // namespace kaos::mcp::detail
