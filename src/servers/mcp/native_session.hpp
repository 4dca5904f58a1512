#pragma once
// Internal to the native server: the SessionHandler of one MCP session. Answers every method
// of the server side of MCP from the shared Catalog.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "servers/mcp/catalog.hpp"
#include "servers/mcp/session_handler.hpp"
#include "servers/mcp/transport_session.hpp"

namespace kaos::mcp::detail {

class NativeSession : public SessionHandler, public std::enable_shared_from_this<NativeSession> {
 public:
  NativeSession(std::shared_ptr<Catalog> catalog, std::shared_ptr<Outbound> outbound);

  Task<void> receive(jsonrpc::Message message) override;
  void close() override;

  // Used by the call context and the server.
  Outbound& outbound() { return *outbound_; }
  bool wants_log(std::string_view level) const;
  const json::object& client_capabilities() const { return client_capabilities_; }
  std::string protocol_version() const;
  bool subscribed(std::string_view uri) const;
  bool closed() const { return closed_.load(); }
  /// Sends a server-to-client request related to client request `related` and waits for the
  /// answer (see CallContext::request).
  Task<Result<json::value>> request(std::string_view method, json::value params, const json::value& related,
                                    std::chrono::milliseconds timeout);

 private:
  using Reply = Result<json::value>;
  /// A request's result, or the JSON-RPC error to answer with.
  struct Answer {
    json::value result;
    std::optional<jsonrpc::ErrorObject> error;
    Answer(json::value r) : result(std::move(r)) {}          // NOLINT: implicit by design
    Answer(json::object r) : result(std::move(r)) {}         // NOLINT
    Answer(jsonrpc::ErrorObject e) : error(std::move(e)) {}  // NOLINT
  };
  struct Pending {
    std::shared_ptr<Wakeup> wake;
    std::optional<Reply> reply;
  };

  /// The result of one request, or a JSON-RPC error.
  Task<Answer> dispatch(const jsonrpc::Message& m);
  Answer initialize(const json::value& params);
  Answer list_page(const json::value& params, std::string_view key);
  Task<Answer> call_tool(const jsonrpc::Message& m);
  Task<Answer> read_resource(const json::value& params);
  Task<Answer> get_prompt(const json::value& params);
  Answer complete(const json::value& params);
  Answer set_level(const json::value& params);
  Answer subscribe(const json::value& params, bool on);
  void resolve(const jsonrpc::Message& m);

  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<Outbound> outbound_;
  mutable std::mutex mu_;
  json::object client_capabilities_;
  std::string protocol_version_;
  int min_log_rank_ = 0;  ///< everything until logging/setLevel says otherwise
  std::set<std::string, std::less<>> subscriptions_;
  std::map<std::string, std::shared_ptr<Pending>, std::less<>> pending_;
  std::uint64_t next_request_ = 1;
  std::atomic<bool> closed_{false};
};

}  // namespace kaos::mcp::detail
