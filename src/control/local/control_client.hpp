#pragma once
// The CLI's client of the local runtime's control API (control_api.hpp): finds the running
// supervisor through the state directory, authenticates with its token and makes blocking
// calls (each on a private io_context). Errors say what to do next.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/local/state_dir.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

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

/// Manifest texts as the control API's apply and delete take them: [{"name","text"}].
json::array sources_json(const std::vector<std::pair<std::string, std::string>>& sources);

/// The status of one resource as the control API reports it:
/// {"kind","namespace","name","phase","ready","endpoint","message",...}; error "not_found"
/// naming the resource and how to list what exists.
Result<json::object> find_resource(ControlClient& client, std::string_view kind, std::string_view name,
                                   std::string_view namespace_);

}  // namespace kaos::local
