#include "plan/status.hpp"

#include <array>

namespace kaos::plan {

namespace {
constexpr std::array<std::pair<Phase, std::string_view>, 4> kPhases{{
    {Phase::Pending, "Pending"},
    {Phase::Waiting, "Waiting"},
    {Phase::Ready, "Ready"},
    {Phase::Failed, "Failed"},
}};
}  // namespace

std::string_view to_string(Phase phase) {
  for (const auto& [p, name] : kPhases)
    if (p == phase) return name;
  return "Pending";  // unreachable: every enumerator is in the table
}

Result<Phase> parse_phase(std::string_view text) {
  for (const auto& [p, name] : kPhases)
    if (name == text) return p;
  return Error::invalid("phase: expected Pending, Waiting, Ready or Failed, got \"" + std::string(text) + "\"");
}

bool waits_for_good(Phase phase, std::string_view reason) {
  return phase == Phase::Waiting && (reason == kReasonDependencyNotFound || reason == kReasonDependencyFailed);
}

}  // namespace kaos::plan
