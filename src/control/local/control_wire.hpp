#pragma once
// The supervisor's reports in the control API's wire types (protocol/kaos/control.hpp): the
// phase as its string, the endpoint and log path as the CLI shows them, and env values that
// come from references named, never shown.
#include "control/local/supervisor.hpp"
#include "protocol/kaos/control.hpp"

namespace kaos::local {

protocol::kaos::ResourceStatus wire_status(const WorkloadReport& report);
protocol::kaos::ResourceDescription wire_description(const WorkloadDescription& description);

}  // namespace kaos::local
