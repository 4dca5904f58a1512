#pragma once
// The CLI's client of the local runtime's control API (control_api.hpp): finds the running
// supervisor through the state directory, authenticates with its token and makes blocking
// calls (each on a private io_context). Errors say what to do next.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "control/local/state_dir.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "plan/status.hpp"
#include "protocol/kaos/control.hpp"

namespace kaos::local {

struct ControlResponse {
  int status = 0;
  json::value body;  ///< parsed JSON (null when the body was empty)
};

class ControlClient {
 public:
  /// Error "not_found" when no supervisor runs: "no local runtime is running (start one with
  /// `kaos up -f DIR`)".
  static Result<ControlClient> connect(const StateDir& dir = StateDir::resolve());

  Result<ControlResponse> get(const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Result<ControlResponse> post(const std::string& path, const json::value& body,
                               std::chrono::milliseconds timeout = std::chrono::seconds(60));
  Result<ControlResponse> del(const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(60));

  const SupervisorInfo& supervisor() const { return info_; }

 private:
  ControlClient(SupervisorInfo info, std::string token) : info_(std::move(info)), token_(std::move(token)) {}
  Result<ControlResponse> call(const std::string& method, const std::string& path, std::string body,
                               std::chrono::milliseconds timeout);
  SupervisorInfo info_;
  std::string token_;
};

/// The typed calls of the control API (bodies: protocol/kaos/control.hpp). A reply that is not
/// the expected shape is an error "protocol" naming the route and the bad field; an answer other
/// than the route's success status is an error naming the status and the runtime's detail.
/// Every phase in a returned status is one plan::parse_phase accepts (phase_of reads it).

/// GET /v1/status.
Result<protocol::kaos::StatusReply> fetch_status(ControlClient& client);
/// GET /v1/resources, or /v1/resources/{kind} when `kind` is given (any spelling it accepts).
Result<std::vector<protocol::kaos::ResourceStatus>> list_resources(ControlClient& client, std::string_view kind = {});
/// GET /v1/resources/{kind}/{ns}/{name}; error "not_found" naming the resource and how to list
/// what exists.
Result<protocol::kaos::ResourceDescription> find_resource(ControlClient& client, std::string_view kind,
                                                          std::string_view name, std::string_view namespace_);
/// POST /v1/apply: the actions (200) or, when the runtime refused the set, its errors (422).
Result<std::variant<protocol::kaos::ApplyReply, protocol::kaos::ApplyRejection>> post_apply(
    ControlClient& client, const protocol::kaos::ApplyRequest& request);
/// POST /v1/delete.
Result<protocol::kaos::DeleteReply> post_delete(ControlClient& client, const protocol::kaos::DeleteRequest& request);

/// Manifest texts (name, text) as apply and delete take them.
std::vector<protocol::kaos::Source> wire_sources(const std::vector<std::pair<std::string, std::string>>& sources);

/// The phase of a status returned by the calls above (they checked it).
plan::Phase phase_of(const protocol::kaos::ResourceStatus& status);

}  // namespace kaos::local
