#pragma once
// The one way to start work nobody awaits: a coroutine spawned on an executor whose escaping
// exception is logged, never swallowed and never silently detached.
#include <boost/asio/cancellation_signal.hpp>

#include <memory>
#include <string>

#include "net/task.hpp"

namespace kaos::net {

/// Starts `task` on `executor` and returns at once. An exception that escapes the coroutine is
/// logged as an error naming `what` ("mcp: stdout reader of session 3 failed: …"); a
/// cancellation (operation_aborted) is expected and logged at debug level.
void spawn_background(Executor executor, Task<void> task, std::string what);
/// The same, cancellable through `slot` (emit on its signal to cancel the task).
void spawn_background(Executor executor, Task<void> task, std::string what, asio::cancellation_slot slot);
/// The same, cancellable through `*signal`, which the spawned work holds until it has completed:
/// the signal outlives its slot even when every other owner lets go. For a signal that is a
/// member of a larger object, pass an aliasing pointer (`{owner, &owner->signal}`), which keeps
/// the owner alive as well.
void spawn_background(Executor executor, Task<void> task, std::string what,
                      std::shared_ptr<asio::cancellation_signal> signal);

}  // namespace kaos::net
