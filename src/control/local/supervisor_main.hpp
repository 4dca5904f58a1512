#pragma once
// The supervisor process (`kaos up` starts it as `kaos __supervisor`): serves the control API
// on a free loopback port, records itself in the state directory, runs workloads until
// SIGINT/SIGTERM or POST /v1/shutdown, then stops every workload and removes its record.
#include "control/local/supervisor.hpp"

namespace kaos::local {

/// Returns the process exit code: 0 after a clean stop, 1 when another supervisor runs or the
/// control API cannot listen.
int run_supervisor(SupervisorOptions options);

}  // namespace kaos::local
