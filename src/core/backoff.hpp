#pragma once
// Exponential backoff, the one rule for every retry loop (HTTP client retries, MCP reconnects,
// the local runtime's crash restarts): attempt 1 waits up to `initial`, each further attempt
// doubles that ceiling, never past `max`.
#include <chrono>

namespace kaos {

struct Backoff {
  std::chrono::milliseconds initial{100};
  std::chrono::milliseconds max{30'000};
  /// Jitter: `delay` draws uniformly from [ceiling·min_fraction, ceiling]. 0 is "full jitter"
  /// (callers that retry many at once spread out); 1 is no jitter (a deterministic schedule).
  double min_fraction = 0.0;

  /// The ceiling for attempt `attempt` (1-based), without jitter; 0 when `initial` is 0.
  std::chrono::milliseconds ceiling(int attempt) const;
  /// The wait before attempt `attempt`, jittered as `min_fraction` says. Thread-safe.
  std::chrono::milliseconds delay(int attempt) const;
};

}  // namespace kaos
