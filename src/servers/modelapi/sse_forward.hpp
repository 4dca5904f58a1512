#pragma once
// Verbatim SSE forwarding: upstream bytes go to the client exactly as received, cut at event
// boundaries so that a failure mid-event never leaves half an event before an error event.
// The SSE parser only observes (usage in chunks); comment lines and unknown fields pass too.
#include <functional>
#include <string>

#include "net/client.hpp"
#include "net/http.hpp"
#include "protocol/openai/chat.hpp"

namespace kaos::modelapi {

struct ForwardOutcome {
  enum class Kind { completed, client_gone, upstream_failed };
  Kind kind = Kind::completed;
  std::string error;  ///< for upstream_failed: the client error message
};

/// Copies `up`'s body to `out` until the end, a client that goes away (a failed write or
/// cancellation) or an upstream error. `on_usage` sees every chunk's `usage` object.
/// Nothing is written after an upstream failure; the caller writes the error event.
net::Task<ForwardOutcome> forward_sse(net::ResponseStream& up, net::BodyWriter& out,
                                      std::function<void(const protocol::openai::Usage&)> on_usage);

}  // namespace kaos::modelapi
