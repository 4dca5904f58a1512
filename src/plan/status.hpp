#pragma once
// The status model every substrate reports (DESIGN.md §7, KAOS's status fields): a phase, a
// readiness flag, the endpoint others reach the workload at, a human message, conditions, the
// generation observed and the restart count. The local runtime fills it today; the operator
// (status subresource) and the dashboard read the same model. Wire forms live in protocol/.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kaos::plan {

/// KAOS's phases. Pending: starting or restarting; Waiting: held back by something outside the
/// workload (a dependency not Ready, a missing Secret); Ready: serving; Failed: cannot run
/// until something changes (the manifests, a secret, the machine).
enum class Phase { Pending, Waiting, Ready, Failed };

/// "Pending", "Waiting", "Ready", "Failed": the spelling on every wire.
std::string_view to_string(Phase phase);
/// The inverse of to_string (exact spelling). Error "invalid" naming the value and the choices.
Result<Phase> parse_phase(std::string_view text);

/// A Kubernetes-style condition (type Ready, status "True"/"False"/"Unknown", ...).
struct Condition {
  std::string type;
  std::string status;
  std::string reason;
  std::string message;
  std::string last_transition_time;  ///< RFC 3339
  bool operator==(const Condition&) const = default;
};

/// Why a workload is in its phase, in one CamelCase word as a Kubernetes condition reason says
/// it; empty where the phase says enough. Behaviour reads these, never the human message.
inline constexpr std::string_view kReasonDependencyNotFound = "DependencyNotFound";  ///< absent resource or Secret
inline constexpr std::string_view kReasonDependencyFailed = "DependencyFailed";
inline constexpr std::string_view kReasonDependencyNotReady = "DependencyNotReady";
/// Failed: the agent's memory read scope exceeds its store's or needs a user identity (KAOS).
inline constexpr std::string_view kReasonInvalidMemoryReadScope = "InvalidMemoryReadScope";

/// True when a workload in `phase` for `reason` will not change until the manifests (or the
/// failed dependency) do: Waiting on something absent or Failed. `kaos up` stops waiting then.
bool waits_for_good(Phase phase, std::string_view reason);

struct WorkloadStatus {
  Phase phase = Phase::Pending;
  bool ready = false;
  std::string endpoint;  ///< base URL (no trailing slash); empty when the workload has no port
  std::string message;
  std::string reason;  ///< kReason…, or empty
  std::vector<Condition> conditions;
  std::int64_t observed_generation = 0;
  int restarts = 0;  ///< crash restarts since the last (re)start by a change of the manifests
  bool operator==(const WorkloadStatus&) const = default;
};

}  // namespace kaos::plan
