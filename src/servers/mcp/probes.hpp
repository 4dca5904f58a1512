#pragma once
// /health and /ready for every `kaos mcp` runtime. /ready answers 503 with the reason while
// `not_ready` returns one (e.g. tools still loading), 200 otherwise; `details` adds fields to
// either body (e.g. "sandbox": what the python-string sandbox enforces). Both must be
// thread-safe.
#include <functional>
#include <optional>
#include <string>

#include "core/json.hpp"
#include "net/router.hpp"

namespace kaos::mcp {

void mount_probes(net::Router& router, std::function<std::optional<std::string>()> not_ready = {},
                  std::function<json::object()> details = {});

}  // namespace kaos::mcp
