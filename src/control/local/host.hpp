#pragma once
// What the supervisor needs from the machine, behind one small interface so its phases can be
// unit-tested with a fake (supervisor_test.cpp): starting processes, probing a port for
// readiness, and waiting. system_host() is the real one: net::Process children whose stdout is
// appended to their log, HTTP/TCP probes on loopback, steady timers.
//
// Cancellation: sleep(), probe() and ChildProcess::wait() end when the awaiting coroutine is
// cancelled (the supervisor cancels a workload's run when it stops or restarts it); a cancelled
// sleep or wait throws operation_aborted.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "net/process.hpp"
#include "net/task.hpp"
#include "plan/plan.hpp"

namespace kaos::local {

/// A started child. Used from the supervisor's executor only.
class ChildProcess {
 public:
  virtual ~ChildProcess() = default;
  virtual int pid() const = 0;
  /// Completes when the child exits (does not kill it).
  virtual net::Task<net::ExitStatus> wait() = 0;
  /// SIGTERM to its process group, SIGKILL after `grace`; completes when it exited.
  virtual net::Task<net::ExitStatus> terminate(std::chrono::milliseconds grace) = 0;
  /// Sends `signal` to its process group (no wait).
  virtual void kill(int signal) = 0;
};

struct LaunchSpec {
  std::vector<std::string> argv;  ///< argv[0] looked up in PATH when it has no '/'
  /// isolated: the child's whole environment is `env` plus the few variables programs need to
  /// run (PATH, HOME, locale, proxies, certificates: see host.cpp), as a pod gets only its
  /// spec's env; otherwise `env` is added to the supervisor's environment.
  std::map<std::string, std::string> env;
  bool isolated = true;
  /// stderr is appended to this file; stdout too when capture_stdout (else inherited).
  std::string log_file;
  bool capture_stdout = true;
};

class Host {
 public:
  virtual ~Host() = default;
  /// Starts a child (own process group, killed when the supervisor dies). Error "io" naming the
  /// program when it cannot start (not installed, not executable).
  virtual Result<std::shared_ptr<ChildProcess>> spawn(LaunchSpec spec) = 0;
  /// One readiness probe of `port` on loopback: HTTP GET (2xx/3xx) or TCP connect, within the
  /// probe's timeout.
  virtual net::Task<bool> probe(const plan::ProbePlan& probe, std::uint16_t port) = 0;
  virtual net::Task<void> sleep(std::chrono::milliseconds duration) = 0;
};

/// The real machine, on `executor` (the supervisor's).
std::shared_ptr<Host> system_host(net::Executor executor);

}  // namespace kaos::local
