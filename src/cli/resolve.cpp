#include "cli/resolve.hpp"

#include "control/local/control_client.hpp"

namespace kaos::cli {

Result<std::string> resolve_endpoint(std::string_view kind, std::string_view name, std::string_view namespace_,
                                     std::string_view explicit_url) {
  if (!explicit_url.empty()) {
    std::string url(explicit_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  auto client = local::ControlClient::connect();
  if (!client) return Error{client.error().kind, client.error().message + ", or pass --url"};
  auto res = local::find_resource(*client, kind, name, namespace_);
  if (!res) return res.error();
  const auto& status = res->status;
  if (status.endpoint.empty() || local::phase_of(status) == plan::Phase::Failed) {
    return Error{ErrorKind::unavailable, std::string(kind) + " '" + std::string(name) + "' is " + status.phase +
                                             (status.message.empty() ? "" : ": " + status.message) +
                                             " (see `kaos describe " + std::string(kind) + " " + std::string(name) +
                                             "`)"};
  }
  return status.endpoint;
}

}  // namespace kaos::cli
