#pragma once
// /health and /ready for every `kaos mcp` runtime. /ready answers 503 with the reason while
// `not_ready` returns one (e.g. tools still loading), 200 otherwise. Must be thread-safe.
#include <functional>
#include <optional>
#include <string>

#include "net/router.hpp"

namespace kaos::mcp {

void mount_probes(net::Router& router, std::function<std::optional<std::string>()> not_ready = {});

}  // namespace kaos::mcp
