#pragma once
// Discovery: what the server is and which API groups and resources it serves (the operator
// renders HTTPRoutes only when the Gateway API is installed).
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "net/task.hpp"

namespace kaos::k8s {

class RestClient;

/// GET /version.
struct ServerVersion {
  std::string major;
  std::string minor;
  std::string git_version;  ///< "v1.32.0"
  std::string platform;     ///< "linux/amd64"
};

net::Task<Result<ServerVersion>> server_version(RestClient& client);
/// Whether the server serves `group_version` ("v1" for the core group,
/// "gateway.networking.k8s.io/v1"). A 404 is false; other failures are errors.
net::Task<Result<bool>> has_group_version(RestClient& client, std::string_view group_version);
/// Whether `group_version` serves the resource `plural` ("httproutes").
net::Task<Result<bool>> has_resource(RestClient& client, std::string_view group_version, std::string_view plural);

}  // namespace kaos::k8s
