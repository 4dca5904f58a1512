#pragma once
// Random identifiers (session_<12 hex>, task_<12 hex>, event_<8 hex>) and wall-clock stamps in
// the formats KAOS's runtime writes.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace kaos {

/// `n` lowercase hex digits from a per-thread generator seeded from std::random_device. Fast and
/// unpredictable enough for ids; not for secrets (use secure_random_hex).
std::string random_hex(std::size_t n);
/// `n` lowercase hex digits from the kernel's CSPRNG (getrandom): for bearer tokens and session
/// ids a peer must not guess.
std::string secure_random_hex(std::size_t n);
/// `prefix` + random_hex(n), e.g. random_id("task_", 12).
std::string random_id(std::string_view prefix, std::size_t n);

/// ISO 8601 UTC with microseconds: 2026-11-24T09:30:00.123456Z.
std::string iso8601(std::chrono::system_clock::time_point t);
std::string iso8601_now();
/// Seconds since the epoch.
std::int64_t unix_seconds();

}  // namespace kaos
