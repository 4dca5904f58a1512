#pragma once
// Kubernetes / Go durations ("300s", "1h30m", "1.5s", "250ms", "0s") as Gateway API and KAOS
// fields use them.
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kaos {

/// Parses a Go-style duration: a sequence of decimal numbers with units ns, us (µs), ms, s, m, h,
/// optionally signed. "0" alone is accepted. Errors say what was expected.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

/// Formats like Go's Duration.String(): "1h30m0s", "1.5s", "250ms", "0s".
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace kaos
